package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.StoreProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Opens {@code fs:} URIs: {@code fs:/absolute/dir}, {@code fs:///absolute/dir} or {@code fs:relative/dir}
 * (relative to the working directory). The store is an {@link FsStore}.
 */
public final class FsStoreProvider implements StoreProvider {

    /** For {@link java.util.ServiceLoader}. */
    public FsStoreProvider() {}

    @Override
    public String scheme() {
        return "fs";
    }

    @Override
    public Store open(String uri, StoreOptions options) {
        return FileStore.open(pathOf(uri), uri, options);
    }

    /**
     * @param uri an {@code fs:} URI
     * @return the directory it names
     * @throws InvalidInputException if it names none
     */
    static Path pathOf(String uri) {
        if (uri == null || !uri.regionMatches(true, 0, "fs:", 0, 3)) {
            throw new InvalidInputException("not an fs: URI: '" + uri + "'; use fs:/absolute/dir or fs:relative/dir");
        }
        String rest = uri.substring(3);
        if (rest.startsWith("//")) {
            if (!rest.startsWith("///")) {
                throw new InvalidInputException("fs: URI '" + uri + "' names a host; the file store is local: use "
                        + "fs:/absolute/dir, fs:///absolute/dir or fs:relative/dir");
            }
            rest = rest.substring(2);
        }
        if (rest.isBlank()) {
            throw new InvalidInputException("fs: URI '" + uri + "' names no directory; use fs:/absolute/dir or "
                    + "fs:relative/dir");
        }
        if (rest.indexOf('\0') >= 0) {
            throw new InvalidInputException("fs: URI contains a NUL character; directory names cannot");
        }
        try {
            return Path.of(rest);
        } catch (InvalidPathException e) {
            throw new InvalidInputException("fs: URI '" + uri + "' is not a valid path here: " + e.getMessage());
        }
    }
}
