package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Durable whole-file writes (temp file, fsync, atomic rename, fsync of the directory), framed state files, and the
 * removal of temporary files an interrupted write left behind.
 */
final class FsFiles {
    private FsFiles() {}

    /**
     * Replaces {@code target} with {@code bytes} atomically: a reader (or a crash) sees the old file or the new
     * one, never a mix.
     */
    static void writeAtomically(Path target, ByteBuffer... bytes) {
        Path tmp = target.resolveSibling(target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (ByteBuffer b : bytes) {
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StoreException("the file system of " + target + " cannot rename atomically; the file "
                        + "store needs one that can (a local disk)", e);
            }
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temp file is removed at the next open
            }
            throw new StoreException("cannot write " + target + ": " + e, e);
        }
    }

    /** Writes one framed record to {@code target} atomically. */
    static void writeState(Path target, byte[] payload) {
        writeAtomically(target, RecordFraming.frame(payload));
    }

    /**
     * Reads a file written by {@link #writeState}.
     *
     * @return its payload, or null if the file does not exist
     * @throws StoreException naming the file if it is damaged
     */
    static byte[] readState(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            byte[] b = Files.readAllBytes(file);
            int r = RecordFraming.check(b, 0, b.length);
            if (r <= 0 || RecordFraming.HEADER + r != b.length) {
                throw new StoreException("state file " + file + " is damaged (checksum or length does not match, "
                        + b.length + " bytes); it is written atomically, so this is damage after the write: "
                        + "restore it from a backup");
            }
            byte[] payload = new byte[r];
            System.arraycopy(b, RecordFraming.HEADER, payload, 0, r);
            return payload;
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e, e);
        }
    }

    /** Makes a rename or a file creation in {@code dir} durable. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory for fsync; the rename itself is still atomic there
        }
    }

    /** Removes leftover temporary files of interrupted atomic writes in a directory. */
    static void removeTempFiles(Path dir, RecoveryReport.Builder report) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".tmp")) {
                    report.add(RecoveryReport.Kind.LEFTOVER_TEMP_FILE, p, -1,
                            "removed an unfinished temporary file left by a crash");
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list " + dir + ": " + e, e);
        }
    }

    /** @return the JSON of a state file written by {@link #writeState}, or null if the file does not exist */
    static JsonNode readStateJson(Path file) {
        byte[] payload = FsFiles.readState(file);
        return payload == null ? null : StateJson.parse(payload, file);
    }
}
