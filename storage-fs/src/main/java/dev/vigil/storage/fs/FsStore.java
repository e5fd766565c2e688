package dev.vigil.storage.fs;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A crash-safe store in a directory, with trace archival. Open it from a URI ({@code fs:/var/lib/vigil} or
 * {@code fs:relative/dir}) with {@link dev.vigil.spi.store.Stores#open(String, StoreOptions)} and cast, or with
 * {@link #open(Path, StoreOptions)}.
 *
 * <p>Settings ({@link StoreOptions#properties()}): {@code fs.fsync} = {@code batch} (default: every write is
 * fsynced before it returns) or {@code interval} (fsync every {@code fs.fsyncIntervalMs}, default 100);
 * {@code fs.segmentBytes} (default 64 MiB); {@code fs.readOnly} = {@code true} to open without the writer lock;
 * {@code fs.archiveSettleMs} (default one hour) and {@code fs.archiveIntervalMs} (default one minute, 0 = never
 * in the background) for continuous archival.
 *
 * <p>The indexes (trace id, experiment and request time, arrival sequence) and the assessments are held in memory
 * and rebuilt at each open, which reads every record and verifies its checksum; trace bodies stay on disk.
 *
 * <p>One process writes at a time: a second writer fails at open, naming the lock file. Readers may open the
 * same directory with {@code fs.readOnly=true}; they see what was written when they opened.
 */
public interface FsStore extends Store {

    /**
     * @param directory the store's directory (created if missing, unless read-only)
     * @param options clock and settings
     * @return the open store
     * @throws dev.vigil.spi.StoreException if another process holds the writer lock, or the directory cannot
     *     be used
     * @throws dev.vigil.spi.InvalidInputException for an unknown or malformed {@code fs.*} setting
     */
    static FsStore open(Path directory, StoreOptions options) {
        return FileStore.open(directory, "fs:" + directory, options);
    }

    /** @return what recovery found and did when the store opened (clean after a clean shutdown) */
    RecoveryReport recoveryReport();

    /** @return the store's directory */
    Path directory();

    /**
     * Archives an experiment's traces whose request time lies in [from, to), with their assessments, to gzip
     * JSON Lines partitioned by day: {@code target/experiment=<id>/date=<yyyy-MM-dd>/traces.jsonl.gz}, one
     * MLflow trace JSON per line. Appends to files that exist; a trace already in its day's file is not written
     * again, so archiving the same range twice adds nothing the second time. Each file is replaced atomically.
     *
     * @param experimentId the experiment
     * @param target the archive directory (created if missing)
     * @param from inclusive
     * @param to exclusive
     * @return what was written
     * @throws dev.vigil.spi.InvalidInputException for an unknown experiment or a reversed range
     * @throws dev.vigil.spi.StoreException if the target cannot be written
     */
    ArchiveResult archive(String experimentId, Path target, Instant from, Instant to);

    /**
     * Archives like {@link #archive}, to a database table instead of files: {@code vigil_trace_archive}
     * (trace id as primary key, experiment id, request time in epoch milliseconds, UTC day, MLflow trace JSON),
     * created when missing. A trace already in the table is not written again; one call is one transaction.
     *
     * @param experimentId the experiment
     * @param jdbcUrl the database, e.g. {@code jdbc:postgresql://db/archive?user=u&password=p} (its driver must be
     *     on the class or module path)
     * @param from inclusive
     * @param to exclusive
     * @return what was written ({@link ArchiveResult#files()} is empty)
     * @throws dev.vigil.spi.InvalidInputException for an unknown experiment, a URL that is not {@code jdbc:}, or
     *     a reversed range
     * @throws dev.vigil.spi.StoreException if the database refuses (the URL's password masked in the message)
     */
    ArchiveResult archiveToJdbc(String experimentId, String jdbcUrl, Instant from, Instant to);

    /**
     * Turns on continuous archival of an experiment: in the background (every {@code fs.archiveIntervalMs})
     * every trace that arrived since the last run and whose request time is older than {@code fs.archiveSettleMs}
     * is archived to {@code target}, as {@link #archive} does. The setting is durable.
     *
     * @param experimentId the experiment
     * @param target the archive directory
     */
    void enableContinuousArchival(String experimentId, Path target);

    /**
     * Turns continuous archival of an experiment off (no effect if it was off).
     *
     * @param experimentId the experiment
     */
    void disableContinuousArchival(String experimentId);

    /** @return the experiments archived continuously, with their targets */
    Map<String, Path> continuousArchival();

    /**
     * Runs one pass of continuous archival now (what the background task does).
     *
     * @return one result per enabled experiment
     */
    List<ArchiveResult> runContinuousArchival();

    /**
     * Rewrites the assessment log without its superseded records (assessments replaced by later upserts).
     * Writers wait only while the log rolls to a new segment, not while the compacted copy is written.
     *
     * @return what was compacted
     */
    CompactionResult compact();
}
