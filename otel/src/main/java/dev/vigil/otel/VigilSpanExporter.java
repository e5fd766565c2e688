package dev.vigil.otel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.Vigil;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenTelemetry Java SDK {@link SpanExporter} that feeds an embedded {@link Vigil} directly: spans are mapped
 * like OTLP spans ({@link OtlpMapper}), assembled into traces ({@link TraceAssembler}) and scored by the running
 * engine. Add it to a tracer provider with a {@code BatchSpanProcessor}:
 *
 * <pre>{@code
 * SdkTracerProvider tracing = SdkTracerProvider.builder()
 *     .addSpanProcessor(BatchSpanProcessor.builder(VigilSpanExporter.create(vigil)).build())
 *     .build();
 * }</pre>
 *
 * The experiment is the {@code service.name} resource attribute unless {@link Builder#experiment} names one.
 */
public final class VigilSpanExporter implements SpanExporter {

    private static final Logger LOG = LoggerFactory.getLogger(VigilSpanExporter.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OtlpIngest ingest;
    private final String experiment;
    private final ScheduledExecutorService ticker;

    private VigilSpanExporter(Builder b) {
        TraceAssembler assembler = TraceAssembler.builder(b.vigil.store()).quietPeriod(b.quietPeriod)
                .maxAge(b.maxAge).onComplete(b.vigil.engine()::wakeUp).build();
        this.ingest = new OtlpIngest(new OtlpDecoder(Long.MAX_VALUE), new ExperimentRouter(b.vigil.store(),
                "service.name"), assembler);
        this.experiment = b.experiment;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-span-exporter-assembler");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(1000, b.quietPeriod.toMillis() / 4));
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** @param vigil the embedded Vigil @return an exporter with default options */
    public static VigilSpanExporter create(Vigil vigil) {
        return builder(vigil).build();
    }

    /** @param vigil the embedded Vigil @return a builder */
    public static Builder builder(Vigil vigil) {
        return new Builder(vigil);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        try {
            OtlpIngest.Outcome o = ingest.ingest(toOtlpJson(spans), experiment, null);
            if (o.rejectedSpans() > 0) {
                LOG.warn("Vigil rejected {} spans: {}", o.rejectedSpans(), o.message());
            }
            return CompletableResultCode.ofSuccess();
        } catch (RuntimeException e) {
            LOG.warn("Vigil could not store {} spans: {}", spans.size(), e.toString());
            return CompletableResultCode.ofFailure();
        }
    }

    /** Completes quiet traces now (also runs periodically). */
    public void tick() {
        try {
            ingest.assembler().tick();
        } catch (RuntimeException e) {
            LOG.warn("Vigil trace assembly failed: {}", e.toString());
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        ticker.shutdownNow();
        tick();
        return CompletableResultCode.ofSuccess();
    }

    /** @return the assembler, for inspection */
    public TraceAssembler assembler() {
        return ingest.assembler();
    }

    /**
     * @param spans SDK spans
     * @return them as an OTLP/JSON {@code ExportTraceServiceRequest}, one resource entry per span
     */
    static ObjectNode toOtlpJson(Collection<SpanData> spans) {
        ObjectNode root = NODES.objectNode();
        ArrayNode rss = root.putArray("resourceSpans");
        for (SpanData s : spans) {
            ObjectNode rs = rss.addObject();
            attributes(rs.putObject("resource"), s.getResource().getAttributes());
            ObjectNode span = rs.putArray("scopeSpans").addObject().putArray("spans").addObject();
            span.put("traceId", s.getTraceId());
            span.put("spanId", s.getSpanId());
            if (s.getParentSpanContext().isValid()) {
                span.put("parentSpanId", s.getParentSpanId());
            }
            span.put("name", s.getName());
            span.put("kind", s.getKind().ordinal() + 1);
            span.put("startTimeUnixNano", Long.toString(s.getStartEpochNanos()));
            span.put("endTimeUnixNano", Long.toString(s.hasEnded() ? s.getEndEpochNanos() : 0));
            attributes(span, s.getAttributes());
            ArrayNode events = span.putArray("events");
            for (EventData e : s.getEvents()) {
                ObjectNode ev = events.addObject();
                ev.put("name", e.getName());
                ev.put("timeUnixNano", Long.toString(e.getEpochNanos()));
                attributes(ev, e.getAttributes());
            }
            StatusCode code = s.getStatus().getStatusCode();
            span.putObject("status").put("code", code == StatusCode.OK ? 1 : code == StatusCode.ERROR ? 2 : 0)
                    .put("message", s.getStatus().getDescription());
        }
        return root;
    }

    private static void attributes(ObjectNode target, Attributes attributes) {
        ArrayNode arr = target.putArray("attributes");
        attributes.forEach((AttributeKey<?> k, Object v) -> {
            ObjectNode kv = arr.addObject();
            kv.put("key", k.getKey());
            kv.set("value", value(v));
        });
    }

    private static ObjectNode value(Object v) {
        ObjectNode o = NODES.objectNode();
        switch (v) {
            case String s -> o.put("stringValue", s);
            case Boolean b -> o.put("boolValue", b);
            case Long l -> o.put("intValue", Long.toString(l));
            case Double d -> o.put("doubleValue", d);
            case List<?> list -> {
                ArrayNode values = o.putObject("arrayValue").putArray("values");
                list.forEach(x -> values.add(value(x)));
            }
            default -> o.put("stringValue", String.valueOf(v));
        }
        return o;
    }

    /** Options of a {@link VigilSpanExporter}. */
    public static final class Builder {
        private final Vigil vigil;
        private String experiment;
        private Duration quietPeriod = Duration.ofSeconds(2);
        private Duration maxAge = Duration.ofMinutes(10);

        private Builder(Vigil vigil) {
            this.vigil = Objects.requireNonNull(vigil, "vigil");
        }

        /** @param name the experiment every span goes to (default: its {@code service.name}) @return this */
        public Builder experiment(String name) {
            experiment = name;
            return this;
        }

        /** @param v the quiet period before a trace with an ended root is scored @return this */
        public Builder quietPeriod(Duration v) {
            quietPeriod = Objects.requireNonNull(v);
            return this;
        }

        /** @param v the maximum age of an open trace @return this */
        public Builder maxAge(Duration v) {
            maxAge = Objects.requireNonNull(v);
            return this;
        }

        /** @return the exporter (its assembler ticks on a daemon thread until {@link #shutdown()}) */
        public VigilSpanExporter build() {
            return new VigilSpanExporter(this);
        }
    }
}
