package dev.vigil.core.backfill;

import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import java.util.Map;

/**
 * A backfill job's state and counters, read from its stored job.
 *
 * @param jobId the job
 * @param status its status
 * @param scanned traces read from the store (matching the time range and pushed-down filter), counting the page
 *     being scored
 * @param sampled (trace, scorer) pairs picked by filter and sample
 * @param scored pairs scored by this job (stored when their page ends: while a page is scored in this process, its
 *     runs are counted as they finish), deferred pairs scored on a later attempt included
 * @param failed pairs stored as error feedback: permanent failures, and deferred pairs given up
 * @param skipped pairs already scored by the same scorer version (by live monitoring or before a crash)
 * @param estimatedRemaining traces left to scan: the total counted when the job started minus those scanned (0
 *     before the count and once the scan has ended); the name is kept from when it was an estimate
 * @param message the failure, for FAILED; else null
 * @param deferred pairs the job holds for a later attempt after a transient or authentication failure (not stored
 *     as errors); the job is not SUCCEEDED while any is left
 * @param total traces in the job's range matching its pushed-down filter, counted before the first page (grown if
 *     traces were written into the range since); -1 until counted
 * @param gaveUp of {@code failed}, the deferred pairs given up after the retry policy's later attempts
 */
public record BackfillProgress(String jobId, JobStatus status, long scanned, long sampled, long scored, long failed,
        long skipped, long estimatedRemaining, String message, long deferred, long total, long gaveUp) {

    /**
     * Progress without deferred pairs or a total (the shape before the retry queue).
     *
     * @param jobId the job
     * @param status its status
     * @param scanned traces read
     * @param sampled pairs picked
     * @param scored pairs scored
     * @param failed pairs failed permanently
     * @param skipped pairs already scored
     * @param estimatedRemaining traces left
     * @param message the failure, or null
     */
    public BackfillProgress(String jobId, JobStatus status, long scanned, long sampled, long scored, long failed,
            long skipped, long estimatedRemaining, String message) {
        this(jobId, status, scanned, sampled, scored, failed, skipped, estimatedRemaining, message, 0,
                estimatedRemaining > 0 ? scanned + estimatedRemaining : -1, 0);
    }

    /** @return true once the job has counted its range: {@link #total()} is exact */
    public boolean totalKnown() {
        return total >= 0;
    }

    /** Progress counter keys in the stored job. */
    static final String SCANNED = "scanned";
    static final String SAMPLED = "sampled";
    static final String SCORED = "scored";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";
    static final String DEFERRED = "deferred";
    static final String GAVE_UP = "gaveUp";
    static final String TOTAL = "total";
    /** Written by versions that estimated the rest of the range; read for jobs they left. */
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
    static BackfillProgress of(Job job, Map<String, Long> p) {
        long scanned = p.getOrDefault(SCANNED, 0L);
        Long counted = p.get(TOTAL);
        long total = counted != null ? Math.max(counted, scanned)
                : p.containsKey(REMAINING) ? scanned + p.get(REMAINING) : -1;
        long remaining = counted != null ? Math.max(0, counted - scanned) : p.getOrDefault(REMAINING, 0L);
        return new BackfillProgress(job.jobId(), job.status(), scanned, p.getOrDefault(SAMPLED, 0L),
                p.getOrDefault(SCORED, 0L), p.getOrDefault(FAILED, 0L), p.getOrDefault(SKIPPED, 0L), remaining,
                job.message(), p.getOrDefault(DEFERRED, 0L), total, p.getOrDefault(GAVE_UP, 0L));
    }
}
