package dev.vigil.spi.judge;

/**
 * Makes judge models for one model-URI scheme ({@code openai:/gpt-4o-mini}, {@code anthropic:/...},
 * {@code databricks:/endpoint}). Found by {@link java.util.ServiceLoader}.
 */
public interface JudgeProvider {

    /** @return the scheme of the model URIs this provider serves, e.g. {@code openai} */
    String scheme();

    /**
     * @param modelUri the full model URI, e.g. {@code openai:/gpt-4o-mini}
     * @param config settings from the builder and environment (keys, base URL, timeouts)
     * @return a judge model
     */
    JudgeModel create(String modelUri, JudgeConfig config);
}
