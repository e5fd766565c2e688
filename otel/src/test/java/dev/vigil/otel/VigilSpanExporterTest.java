package dev.vigil.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class VigilSpanExporterTest {

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void sdkSpans_throughBatchProcessor_areAssembledAndScored() throws Exception {
        try (Vigil vigil = Vigil.builder().store("memory:").pollInterval(Duration.ofMillis(20)).build()) {
            ExperimentHandle exp = vigil.experiment("assistant");
            exp.scorers().register(Scorers.code("answered", in -> in.outputText().contains("Paris")))
                    .start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            VigilSpanExporter exporter = VigilSpanExporter.builder(vigil).quietPeriod(Duration.ofMillis(100)).build();
            SdkTracerProvider tracing = SdkTracerProvider.builder()
                    .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "assistant")))
                    .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofMillis(50))
                            .build())
                    .build();
            Tracer tracer = tracing.get("test");
            String traceId;
            Span agent = tracer.spanBuilder("invoke_agent helper").startSpan()
                    .setAttribute("gen_ai.operation.name", "invoke_agent");
            try (Scope ignored = agent.makeCurrent()) {
                traceId = agent.getSpanContext().getTraceId();
                tracer.spanBuilder("chat gpt-4o").startSpan()
                        .setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.input.messages",
                                "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Capital of France?\"}]}]")
                        .setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                                + "\"content\":\"Paris\"}],\"finish_reason\":\"stop\"}]")
                        .setAttribute(AttributeKey.longKey("gen_ai.usage.input_tokens"), 9L)
                        .setAttribute(AttributeKey.longKey("gen_ai.usage.output_tokens"), 1L)
                        .end();
            }
            agent.setAttribute("gen_ai.output.messages", "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                    + "\"content\":\"Paris\"}]}]");
            agent.end();
            tracing.forceFlush().join(30, TimeUnit.SECONDS);

            await("trace scored", () -> !exp.assessments("tr-" + traceId).isEmpty());

            Trace t = exp.trace("tr-" + traceId).orElseThrow();
            assertThat(t.info().state()).isEqualTo(TraceState.OK);
            assertThat(t.spans()).extracting(s -> s.spanType())
                    .containsExactlyInAnyOrder(SpanTypes.AGENT, SpanTypes.CHAT_MODEL);
            assertThat(t.info().traceMetadata()).containsKey("mlflow.trace.tokenUsage");
            List<Assessment> assessments = exp.assessments("tr-" + traceId);
            assertThat(assessments).hasSize(1);
            assertThat(assessments.get(0).name()).isEqualTo("answered");
            tracing.shutdown().join(30, TimeUnit.SECONDS);
        }
    }
}
