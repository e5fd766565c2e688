package dev.vigil.examples.mistral;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.judges.http.ChatCompletionsModel;
import dev.vigil.judges.http.ProviderSettings;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeResponse;
import java.net.URI;
import java.time.Duration;

/**
 * {@code mistral:/<model>}: Mistral's chat completions at {@code MISTRAL_BASE_URL} (default
 * {@code https://api.mistral.ai/v1}) with {@code MISTRAL_API_KEY}. Mistral speaks the Chat Completions wire
 * (including {@code response_format} {@code json_schema}), so the model is a {@link ChatCompletionsModel}; its own
 * settings let it run beside {@code openai:} in one runtime, each with its own base URL and key.
 */
public final class MistralProvider implements JudgeProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.mistral.ai/v1";
    /** The API key setting (required). */
    public static final String API_KEY = "MISTRAL_API_KEY";
    /** The base URL setting (optional). */
    public static final String BASE_URL = "MISTRAL_BASE_URL";

    /** For {@link java.util.ServiceLoader}. */
    public MistralProvider() {}

    @Override
    public String scheme() {
        return "mistral";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String model = ProviderSettings.modelName(modelUri);
        URI base = ProviderSettings.base(ProviderSettings.optional(config, BASE_URL, DEFAULT_BASE_URL), BASE_URL);
        String key = ProviderSettings.required(config, modelUri, API_KEY);
        return new MistralModel(modelUri, base, model, key, ProviderSettings.timeout(config));
    }

    /** The Chat Completions wire plus Mistral's own finish reason {@code model_length} (context exhausted). */
    private static final class MistralModel extends ChatCompletionsModel {
        MistralModel(String modelUri, URI base, String model, String key, Duration timeout) {
            super(modelUri, ProviderSettings.client(), timeout, URI.create(base + "/chat/completions"), model, key);
        }

        @Override
        protected JudgeResponse answer(JsonNode json, Duration latency) {
            String finish = json.path("choices").path(0).path("finish_reason").asText("");
            if ("model_length".equals(finish)) {
                throw answerFailure(FailureKind.UNPARSEABLE, "the answer was cut off at the model's context length"
                        + " (finish_reason model_length); shorten the prompt or use a model with a longer context");
            }
            return super.answer(json, latency);
        }
    }
}
