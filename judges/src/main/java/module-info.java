/** Vigil: LLM judge providers and the built-in judges. */
module dev.vigil.judges {
    requires transitive dev.vigil.spi;
    requires dev.vigil.core;
    requires java.net.http;
    requires com.google.common;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    requires micrometer.core;

    exports dev.vigil.judges;

    uses dev.vigil.spi.judge.JudgeProvider;

    provides dev.vigil.spi.judge.JudgeProvider with
            dev.vigil.judges.provider.OpenAiProvider,
            dev.vigil.judges.provider.AnthropicProvider,
            dev.vigil.judges.provider.DatabricksProvider,
            dev.vigil.judges.provider.GatewayProvider,
            dev.vigil.judges.provider.GeminiProvider;
    provides dev.vigil.spi.scorer.ScorerCodec with dev.vigil.judges.JudgeCodec;
}
