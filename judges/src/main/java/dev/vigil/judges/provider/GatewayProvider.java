package dev.vigil.judges.provider;

import dev.vigil.judges.http.ChatCompletionsModel;
import dev.vigil.judges.http.ProviderSettings;

import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import java.net.URI;

/**
 * {@code gateway:/<endpoint>}: an MLflow AI Gateway (deployments server) chat endpoint at
 * {@code MLFLOW_GATEWAY_URI}{@code /endpoints/<endpoint>/invocations}, spoken in the Chat Completions format.
 */
public final class GatewayProvider implements JudgeProvider {
    @Override
    public String scheme() {
        return "gateway";
    }

    @Override
    public JudgeModel create(String modelUri, JudgeConfig config) {
        String endpoint = ProviderSettings.modelName(modelUri);
        URI base = ProviderSettings.base(ProviderSettings.required(config, modelUri, "MLFLOW_GATEWAY_URI",
                "MLFLOW_DEPLOYMENTS_TARGET"), "MLFLOW_GATEWAY_URI");
        return new ChatCompletionsModel(modelUri, ProviderSettings.client(), ProviderSettings.timeout(config),
                URI.create(base + "/endpoints/" + endpoint + "/invocations"), null, config.get("MLFLOW_GATEWAY_TOKEN"));
    }
}
