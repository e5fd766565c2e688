/** Vigil: LLM judge providers and the built-in judges. */
module dev.vigil.judges {
    requires transitive dev.vigil.spi;
    // the provider-author API (dev.vigil.judges.http) takes and returns Jackson trees
    requires transitive com.fasterxml.jackson.databind;
    requires dev.vigil.core;
    requires transitive java.net.http; // HttpJudgeModel takes the shared HttpClient
    requires com.google.common;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;
    // optional: only JudgeRuntime.Builder.meterRegistry touches it
    requires static micrometer.core;

    exports dev.vigil.judges;
    exports dev.vigil.judges.http;

    uses dev.vigil.spi.judge.JudgeProvider;

    provides dev.vigil.spi.judge.JudgeProvider with
            dev.vigil.judges.provider.OpenAiProvider,
            dev.vigil.judges.provider.AnthropicProvider,
            dev.vigil.judges.provider.DatabricksProvider,
            dev.vigil.judges.provider.GatewayProvider,
            dev.vigil.judges.provider.GeminiProvider;
    provides dev.vigil.spi.scorer.ScorerCodec with dev.vigil.judges.JudgeCodec;
}
