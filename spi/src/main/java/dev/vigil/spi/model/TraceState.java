package dev.vigil.spi.model;

/** The state of a trace, as MLflow 3 names it. Only a trace that is no longer {@link #IN_PROGRESS} is scored. */
public enum TraceState {
    /** State not set by the producer. */
    STATE_UNSPECIFIED,
    /** Completed successfully. */
    OK,
    /** Completed with an error. */
    ERROR,
    /** Still running: more spans may come. */
    IN_PROGRESS;

    /** @return true unless the trace is still in progress */
    public boolean isComplete() {
        return this != IN_PROGRESS;
    }
}
