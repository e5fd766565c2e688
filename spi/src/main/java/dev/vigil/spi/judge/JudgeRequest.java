package dev.vigil.spi.judge;

import dev.vigil.spi.json.Json;
import java.util.Map;
import java.util.Objects;

/**
 * One judgement asked of a model.
 *
 * @param systemPrompt the system instructions, or null
 * @param userPrompt the rendered prompt
 * @param responseSchema a JSON schema the answer should follow (as a JSON value), or null for free text
 * @param parameters model parameters (temperature, max tokens...), immutable
 */
public record JudgeRequest(String systemPrompt, String userPrompt, Map<String, Object> responseSchema,
        Map<String, Object> parameters) {
    /** Validates and freezes. */
    @SuppressWarnings("unchecked")
    public JudgeRequest {
        Objects.requireNonNull(userPrompt, "userPrompt");
        responseSchema = responseSchema == null ? null : (Map<String, Object>) Json.freeze(responseSchema);
        parameters = parameters == null ? Map.of() : (Map<String, Object>) Json.freeze(parameters);
    }
}
