package dev.vigil.python.internal;

/**
 * The result of one call.
 *
 * @param result Boolean, Long, Double, String, Feedback, List of Feedback, or null
 * @param overrun true if the call ran past its time or allocation budget (it counts towards quarantine)
 */
public record Outcome(Object result, boolean overrun) {}
