package dev.vigil.spi.judge;

import java.time.Duration;
import java.util.Objects;

/**
 * A model's answer.
 *
 * @param text the answer text (JSON when a schema was honoured)
 * @param finishReason why the model stopped ({@code stop}, {@code length}, {@code refusal}...), or null
 * @param inputTokens prompt tokens, or -1 if unknown
 * @param outputTokens completion tokens, or -1 if unknown
 * @param latency how long the call took
 */
public record JudgeResponse(String text, String finishReason, long inputTokens, long outputTokens, Duration latency) {
    /** Validates. */
    public JudgeResponse {
        text = text == null ? "" : text;
        Objects.requireNonNull(latency, "latency");
    }
}
