package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.otel.EvaluationEventExporter;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenTelemetry Java SDK with its OTLP/HTTP exporter (protobuf and JSON) sends GenAI spans to a
 * {@link VigilServer} on an H2 file store; the traces are scored; the evaluation events arrive at a second loopback
 * OTLP receiver.
 */
class JavaSdkEndToEndTest {

    @TempDir
    Path dir;

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    static SpanExporter exporter(String url, boolean json) throws ReflectiveOperationException {
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder().setEndpoint(url + "/v1/traces")
                .setCompression("gzip").addHeader("x-vigil-experiment", "assistant");
        if (json) {
            // The SDK's JSON encoding is not public API yet: switch its HTTP exporter builder to it.
            b.setMemoryMode(MemoryMode.IMMUTABLE_DATA);
            Field f = OtlpHttpSpanExporterBuilder.class.getDeclaredField("delegate");
            f.setAccessible(true);
            Object delegate = f.get(b);
            delegate.getClass().getMethod("exportAsJson").invoke(delegate);
        }
        return b.build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void otlpHttpExporter_spansAreScored_andEvaluationEventsArriveAtReceiver(boolean json) throws Exception {
        try (LoopbackOtlpReceiver receiver = new LoopbackOtlpReceiver();
                EvaluationEventExporter events = EvaluationEventExporter.otlpHttp(receiver.url());
                Store store = events.wrap(Stores.open("jdbc:h2:file:" + dir.resolve("vigil") + ";DB_CLOSE_ON_EXIT=FALSE"));
                Vigil vigil = Vigil.builder().store(store).pollInterval(Duration.ofMillis(20)).build()) {
            ExperimentHandle exp = vigil.experiment("assistant");
            exp.scorers().register(Scorers.code("mentions_paris", in -> in.outputText().contains("Paris")))
                    .start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            try (VigilServer server = VigilServer.builder(vigil).port(0).quietPeriod(Duration.ofMillis(200)).start()) {
                SdkTracerProvider tracing = SdkTracerProvider.builder()
                        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "app")))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter(server.url(), json))).build();
                Tracer tracer = tracing.get("e2e");
                Span agent = tracer.spanBuilder("invoke_agent trip").startSpan()
                        .setAttribute("gen_ai.operation.name", "invoke_agent");
                String traceId = agent.getSpanContext().getTraceId();
                try (Scope ignored = agent.makeCurrent()) {
                    tracer.spanBuilder("chat gpt-4o-mini").startSpan()
                            .setAttribute("gen_ai.operation.name", "chat")
                            .setAttribute("gen_ai.input.messages", "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                                    + "\"content\":\"Capital of France?\"}]}]")
                            .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":"
                                    + "\"text\",\"content\":\"Paris\"}],\"finish_reason\":\"stop\"}]")
                            .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 11L)
                            .setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 1L).end();
                    tracer.spanBuilder("execute_tool weather").startSpan()
                            .setAttribute("gen_ai.operation.name", "execute_tool")
                            .setAttribute("gen_ai.tool.name", "weather").end();
                }
                agent.setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                        + "\"content\":\"Paris\"}]}]");
                agent.end();
                tracing.forceFlush().join(30, TimeUnit.SECONDS);

                await("trace scored", () -> !exp.assessments("tr-" + traceId).isEmpty());
                Trace t = exp.trace("tr-" + traceId).orElseThrow();
                assertThat(t.info().state()).isEqualTo(TraceState.OK);
                assertThat(t.spans()).extracting(s -> s.spanType())
                        .containsExactlyInAnyOrder(SpanTypes.AGENT, SpanTypes.CHAT_MODEL, SpanTypes.TOOL);
                assertThat(t.info().traceMetadata()).containsEntry("mlflow.trace.tokenUsage",
                        "{\"input_tokens\":11,\"output_tokens\":1,\"total_tokens\":12}");
                List<Assessment> assessments = exp.assessments("tr-" + traceId);
                assertThat(assessments).extracting(Assessment::name).containsExactly("mentions_paris");

                events.flush(Duration.ofSeconds(30));
                await("evaluation event received", () -> !receiver.records.isEmpty());
                LogRecord r = receiver.records.get(0);
                assertThat(r.getEventName()).isEqualTo(EvaluationEventExporter.EVENT_NAME);
                assertThat(LoopbackOtlpReceiver.attr(r, "gen_ai.evaluation.name")).isEqualTo("mentions_paris");
                assertThat(LoopbackOtlpReceiver.attr(r, "gen_ai.evaluation.score.label")).isEqualTo("yes");
                assertThat(HexFormat.of().formatHex(r.getTraceId().toByteArray())).isEqualTo(traceId);
                tracing.shutdown().join(30, TimeUnit.SECONDS);
            }
        }
    }
}
