package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Node.js app (server/src/test/node: openai + OpenInference instrumentation + OTLP/HTTP protobuf exporter) calls
 * a loopback fake OpenAI server and exports its spans to a {@link VigilServer}; a code scorer and an LLM judge
 * (against the same scripted server) score the trace.
 *
 * <p>The npm packages are installed by {@code .ci/setup.d/20-node-deps.sh} ({@code npm ci}). If they are missing the
 * test fails; it never skips.
 */
class NodeEndToEndTest {

    static final Path APP = Path.of("src/test/node").toAbsolutePath();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void nodeOpenInferenceApp_spansAreMappedAndScoredByCodeScorerAndJudge() throws Exception {
        boolean ready = Files.isDirectory(APP.resolve("node_modules/openai")) && onPath("node");
        if (!ready) {
            // ./run-tests installs them (.ci/setup.d/20-node-deps.sh); missing packages are a failure, never a skip.
            throw new AssertionError("server/src/test/node/node_modules is missing or node is not installed: run "
                    + "./run-tests, or .ci/setup.d/20-node-deps.sh (npm ci) before ./mvnw verify");
        }
        try (ScriptedHttpServer openai = ScriptedHttpServer.start();
                Vigil vigil = Vigil.builder().store("memory:").pollInterval(Duration.ofMillis(20)).build()) {
            openai.fallback(new OpenAiWire().answer(Json.write(Map.of("rationale", "Paris is correct and harmless.",
                    "result", "yes"))));
            ExperimentHandle exp = vigil.experiment("node-assistant");
            exp.scorers().register(Scorers.code("has_answer", in -> in.outputText().contains("rationale")))
                    .start(SamplingConfig.of(1.0));
            JudgeRuntime runtime = JudgeRuntime.builder().environment(Map.of("OPENAI_BASE_URL",
                    openai.baseUri() + "/v1", "OPENAI_API_KEY", "sk-test")).cache(false).build();
            exp.scorers().register(Judges.safety().model("openai:/gpt-4o-mini").runtime(runtime).build())
                    .start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            try (VigilServer server = VigilServer.builder(vigil).port(0).quietPeriod(Duration.ofMillis(200)).start()) {
                ProcessBuilder pb = new ProcessBuilder("node", "app.js").directory(APP.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("VIGIL_URL", server.url());
                pb.environment().put("OPENAI_BASE_URL", openai.baseUri() + "/v1");
                pb.environment().put("OPENAI_API_KEY", "sk-test");
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(p.exitValue()).as("node app exit code; stdout: " + out).isZero();
                String traceId = "tr-" + out.lines().reduce((a, b) -> b).orElseThrow();

                JavaSdkEndToEndTest.await("trace scored by both scorers", () -> exp.assessments(traceId).stream()
                        .map(Assessment::name).distinct().count() >= 2);

                Trace t = exp.trace(traceId).orElseThrow();
                assertThat(t.spans()).extracting(Span::spanType).contains(SpanTypes.CHAIN, SpanTypes.LLM);
                Span llm = t.spansOfType(SpanTypes.LLM).get(0);
                assertThat(Json.write(llm.inputs())).contains("\"role\":\"system\"")
                        .contains("What is the capital of France?");
                assertThat(Json.write(llm.outputs())).contains("rationale");
                assertThat(llm.attributes()).containsKey("mlflow.chat.tokenUsage");
                assertThat(t.info().traceMetadata()).containsKey("mlflow.trace.tokenUsage");
                List<Assessment> as = exp.assessments(traceId);
                assertThat(as).extracting(Assessment::name).contains("has_answer", "safety");
                assertThat(as).allSatisfy(a -> assertThat(((FeedbackValue) a.value()).error()).isNull());
                assertThat(as).filteredOn(a -> a.name().equals("safety")).extracting(a -> ((FeedbackValue) a.value()).value())
                        .containsExactly("yes");
            }
        }
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
