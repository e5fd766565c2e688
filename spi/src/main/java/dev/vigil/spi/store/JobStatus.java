package dev.vigil.spi.store;

/** The state of a background job. */
public enum JobStatus {
    /** Created, not started. */
    PENDING,
    /** Running (or was running when its process died: its lease tells). */
    RUNNING,
    /** Finished. */
    SUCCEEDED,
    /** Stopped by an error; the message says which. */
    FAILED,
    /** Cancelled by a user. */
    CANCELLED;

    /** @return true for a state a job never leaves */
    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
