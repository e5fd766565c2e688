package dev.vigil.core.engine.internal;

/**
 * Implemented by a stand-in for a registered scorer that this process cannot build (a lambda registered by another
 * process, a class or Python module missing here). The engine does not run it: it leaves the scorer's pairs in the
 * store's retry queue for a process that can, and reports the scorer UNAVAILABLE in its health.
 */
public interface Unavailable {
    /** @return why the scorer cannot be built here (what is missing) */
    String unavailableReason();
}
