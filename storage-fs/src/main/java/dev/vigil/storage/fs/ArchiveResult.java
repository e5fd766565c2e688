package dev.vigil.storage.fs;

import java.nio.file.Path;
import java.util.List;

/**
 * What an archival run did.
 *
 * @param experimentId the experiment archived
 * @param written traces written to the archive
 * @param alreadyArchived traces in range that the archive already held, not written again
 * @param files the day files written to
 */
public record ArchiveResult(String experimentId, long written, long alreadyArchived, List<Path> files) {
    /** Freezes. */
    public ArchiveResult {
        files = List.copyOf(files);
    }
}
