package dev.vigil.judges;

import dev.vigil.spi.judge.JudgeException;

/**
 * Where a {@link JudgeRuntime} reports each call, so that the runtime itself names no metrics library: Micrometer
 * is optional in this module and only {@link MicrometerJudgeMeter} touches it.
 */
interface JudgeMeter {
    /** Reports nothing. */
    JudgeMeter NONE = (outcome, failure) -> { };

    /**
     * @param outcome the call (cached, answered or failed)
     * @param failure the failure, or null
     */
    void record(JudgeOutcome outcome, JudgeException failure);
}
