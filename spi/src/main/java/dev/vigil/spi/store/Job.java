package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A background job (a backfill, an archival) with its progress and checkpoint. Updated optimistically by
 * revision, like scorer versions.
 *
 * @param jobId the id
 * @param experimentId the experiment it works on
 * @param type the job type, e.g. {@code backfill}
 * @param spec what to do, as a JSON object (immutable)
 * @param status the state
 * @param progress counters: scanned, sampled, scored, failed... (immutable)
 * @param checkpoint where to resume (opaque to the store), or null
 * @param message a status message (the failure, for FAILED), or null
 * @param revision 1 on creation, +1 on every update
 * @param createdAt when created
 * @param updatedAt when last updated
 */
public record Job(String jobId, String experimentId, String type, Map<String, Object> spec, JobStatus status,
        Map<String, Long> progress, String checkpoint, String message, long revision, Instant createdAt,
        Instant updatedAt) {

    /** Validates and freezes. */
    @SuppressWarnings("unchecked")
    public Job {
        if (jobId == null || jobId.isEmpty()) {
            throw new InvalidInputException("a job needs an id");
        }
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("job " + jobId + " needs an experiment id");
        }
        if (type == null || type.isEmpty()) {
            throw new InvalidInputException("job " + jobId + " needs a type");
        }
        spec = spec == null ? Map.of() : (Map<String, Object>) Json.freeze(spec);
        Objects.requireNonNull(status, "status");
        progress = progress == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(progress));
        Objects.requireNonNull(createdAt, "createdAt");
        updatedAt = updatedAt == null ? createdAt : updatedAt;
    }

    /**
     * @param newStatus the status
     * @param newProgress the counters
     * @param newCheckpoint the checkpoint
     * @param newMessage the message
     * @param now the time of the change
     * @return the next revision of this job
     */
    public Job next(JobStatus newStatus, Map<String, Long> newProgress, String newCheckpoint, String newMessage,
            Instant now) {
        return new Job(jobId, experimentId, type, spec, newStatus, newProgress, newCheckpoint, newMessage,
                revision + 1, createdAt, now);
    }
}
