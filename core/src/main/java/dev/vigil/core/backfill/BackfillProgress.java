package dev.vigil.core.backfill;

import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;

/**
 * A backfill job's state and counters, read from its stored job.
 *
 * @param jobId the job
 * @param status its status
 * @param scanned traces read from the store (matching the time range and pushed-down filter), counting the page
 *     being scored
 * @param sampled (trace, scorer) pairs picked by filter and sample
 * @param scored pairs scored by this job (stored when their page ends: while a page is scored in this process, its
 *     runs are counted as they finish)
 * @param failed pairs whose scorer failed permanently (stored as error feedback)
 * @param skipped pairs already scored by the same scorer version (by live monitoring or before a crash)
 * @param estimatedRemaining traces left to scan, estimated from the share of the time range covered
 * @param message the failure, for FAILED; else null
 * @param deferred pairs whose run ended on a transient or authentication failure: left in the store's retry queue
 *     for a later attempt by a monitoring engine, not stored as errors
 */
public record BackfillProgress(String jobId, JobStatus status, long scanned, long sampled, long scored, long failed,
        long skipped, long estimatedRemaining, String message, long deferred) {

    /**
     * Progress without deferred pairs (the shape before the retry queue).
     *
     * @param jobId the job
     * @param status its status
     * @param scanned traces read
     * @param sampled pairs picked
     * @param scored pairs scored
     * @param failed pairs failed permanently
     * @param skipped pairs already scored
     * @param estimatedRemaining traces left, estimated
     * @param message the failure, or null
     */
    public BackfillProgress(String jobId, JobStatus status, long scanned, long sampled, long scored, long failed,
            long skipped, long estimatedRemaining, String message) {
        this(jobId, status, scanned, sampled, scored, failed, skipped, estimatedRemaining, message, 0);
    }

    /** Progress counter keys in the stored job. */
    static final String SCANNED = "scanned";
    static final String SAMPLED = "sampled";
    static final String SCORED = "scored";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";
    static final String DEFERRED = "deferred";
    static final String REMAINING = "estimatedRemaining";
    static final String LAST_TIME = "lastTraceTimeMs";

    /**
     * @param job a backfill job
     * @return its progress
     */
    public static BackfillProgress of(Job job) {
        return of(job, job.progress());
    }

    /** A running job's progress with counters newer than those saved (the page being scored). */
    static BackfillProgress of(Job job, java.util.Map<String, Long> p) {
        return new BackfillProgress(job.jobId(), job.status(), p.getOrDefault(SCANNED, 0L),
                p.getOrDefault(SAMPLED, 0L), p.getOrDefault(SCORED, 0L), p.getOrDefault(FAILED, 0L),
                p.getOrDefault(SKIPPED, 0L), p.getOrDefault(REMAINING, 0L), job.message(),
                p.getOrDefault(DEFERRED, 0L));
    }
}
