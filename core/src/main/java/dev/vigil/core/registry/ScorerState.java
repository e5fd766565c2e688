package dev.vigil.core.registry;

/** The lifecycle states of a scorer, as in MLflow's production monitoring. */
public enum ScorerState {
    /** Defined in code but not known to the store. */
    UNREGISTERED,
    /** Registered with a sample rate above 0: the engine runs it. */
    ACTIVE,
    /** Registered with sample rate 0: kept, not run; can be started again. */
    STOPPED,
    /** Removed from the store; no longer part of its experiment. */
    DELETED
}
