package dev.vigil.judges.provider;

import dev.vigil.judges.http.ChatCompletionsModel;
import dev.vigil.judges.http.ProviderSettings;

import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import java.net.URI;

/**
 * {@code databricks:/<endpoint>}: a Databricks model serving endpoint at
 * {@code DATABRICKS_HOST}{@code /serving-endpoints/<endpoint>/invocations} with {@code DATABRICKS_TOKEN}; chat
 * endpoints speak the Chat Completions format.
 */
public final class DatabricksProvider implements JudgeProvider {
    @Override
    public String scheme() {
        return "databricks";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String endpoint = ProviderSettings.modelName(modelUri);
        String host = ProviderSettings.required(config, modelUri, "DATABRICKS_HOST");
        if (!host.startsWith("http://") && !host.startsWith("https://")) {
            host = "https://" + host;
        }
        URI base = ProviderSettings.base(host, "DATABRICKS_HOST");
        String token = ProviderSettings.required(config, modelUri, "DATABRICKS_TOKEN");
        return new ChatCompletionsModel(modelUri, ProviderSettings.client(), ProviderSettings.timeout(config),
                URI.create(base + "/serving-endpoints/" + endpoint + "/invocations"), null, token);
    }
}
