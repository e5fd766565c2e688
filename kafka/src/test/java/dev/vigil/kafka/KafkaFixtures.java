package dev.vigil.kafka;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Trace records as the OpenTelemetry SDK's OTLP exporter (and so the Collector) writes them, and test helpers. */
final class KafkaFixtures {

    private KafkaFixtures() {}

    /** One GenAI request made with the OpenTelemetry SDK: a root span and an LLM child span. */
    record SdkTrace(String otelTraceId, List<SpanData> spans) {
        String mlflowTraceId() {
            return "tr-" + otelTraceId;
        }
    }

    /** Records spans the SDK ends, as its exporters receive them. */
    private static final class Collect implements SpanExporter {
        final List<SpanData> spans = new ArrayList<>();

        @Override
        public synchronized CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /**
     * @param count how many requests
     * @return that many traces made by the OpenTelemetry SDK (question/answer attributes as GenAI conventions)
     */
    static List<SdkTrace> sdkTraces(int count) {
        Collect out = new Collect();
        List<SdkTrace> traces = new ArrayList<>();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(out)).build()) {
            Tracer tracer = provider.get("vigil-kafka-test");
            for (int i = 0; i < count; i++) {
                Span root = tracer.spanBuilder("answer").setSpanKind(SpanKind.SERVER)
                        .setAttribute("mlflow.spanInputs", "{\"question\":\"q" + i + "\"}")
                        .setAttribute("mlflow.spanOutputs", "\"answer " + i + "\"")
                        .startSpan();
                try (Scope s = root.makeCurrent()) {
                    tracer.spanBuilder("chat gpt-4o").setSpanKind(SpanKind.CLIENT)
                            .setAttribute("gen_ai.operation.name", "chat")
                            .setAttribute("gen_ai.request.model", "gpt-4o").startSpan().end();
                } finally {
                    root.end();
                }
                traces.add(new SdkTrace(root.getSpanContext().getTraceId(), List.of()));
            }
        }
        Map<String, List<SpanData>> byTrace = new HashMap<>();
        for (SpanData d : out.spans) {
            byTrace.computeIfAbsent(d.getTraceId(), k -> new ArrayList<>()).add(d);
        }
        List<SdkTrace> full = new ArrayList<>();
        for (SdkTrace t : traces) {
            full.add(new SdkTrace(t.otelTraceId(), List.copyOf(byTrace.get(t.otelTraceId()))));
        }
        return full;
    }

    /** @param spans spans @return the OTLP protobuf {@code ExportTraceServiceRequest}, as the SDK exporter writes it */
    static byte[] otlpProto(Collection<SpanData> spans) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            TraceRequestMarshaler.create(spans).writeBinaryTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** @param spans spans @return the OTLP/JSON {@code ExportTraceServiceRequest} */
    static byte[] otlpJson(Collection<SpanData> spans) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            TraceRequestMarshaler.create(spans).writeJsonTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("max.request.size", String.valueOf(TestKafka.MAX_MESSAGE_BYTES));
        p.put("linger.ms", "5");
        p.put("acks", "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends keyed by the OTel trace id, as the Collector's {@code partition_traces_by_id} does. */
    static ProducerRecord<byte[], byte[]> record(String topic, String otelTraceId, byte[] value) {
        return new ProducerRecord<>(topic, otelTraceId == null ? null
                : otelTraceId.getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
    }

    static void await(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline + " waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
