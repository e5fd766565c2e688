package dev.vigil.judges.provider;

import dev.vigil.judges.http.ChatCompletionsModel;
import dev.vigil.judges.http.ProviderSettings;

import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import java.net.URI;

/**
 * {@code openai:/<model>}: OpenAI Chat Completions at {@code OPENAI_BASE_URL} (default
 * {@code https://api.openai.com/v1}) with {@code OPENAI_API_KEY}; the same provider serves any OpenAI-compatible
 * server (vLLM, Ollama, LM Studio, llama.cpp) by its base URL, where the key may be left unset.
 */
public final class OpenAiProvider implements JudgeProvider {
    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    @Override
    public String scheme() {
        return "openai";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String model = ProviderSettings.modelName(modelUri);
        URI base = ProviderSettings.base(ProviderSettings.optional(config, "OPENAI_BASE_URL", DEFAULT_BASE_URL),
                "OPENAI_BASE_URL");
        String key = config.get("OPENAI_API_KEY");
        if ((key == null || key.isBlank()) && DEFAULT_BASE_URL.equals(base.toString())) {
            key = ProviderSettings.required(config, modelUri, "OPENAI_API_KEY");
        }
        return new ChatCompletionsModel(modelUri, ProviderSettings.client(), ProviderSettings.timeout(config),
                URI.create(base + "/chat/completions"), model, key);
    }
}
