package dev.vigil.otel;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ForwardingStore;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sends every stored assessment out as an OpenTelemetry {@code gen_ai.evaluation.result} event (a log record with
 * {@code gen_ai.evaluation.name}, {@code gen_ai.evaluation.score.value} or {@code .label},
 * {@code gen_ai.evaluation.explanation}, {@code error.type}, and the evaluated trace and span as its context), through
 * the OTel Java SDK's OTLP log exporter, so scores show up in any OTLP backend.
 *
 * <p>Wrap the store the engine writes to: {@code Vigil.builder().store(exporter.wrap(store))}. Events are batched
 * and sent in the background; an unreachable endpoint never slows or fails scoring (the SDK drops what it cannot
 * send after its retries, and logs it).
 */
public final class EvaluationEventExporter implements AutoCloseable {

    /** The event name. */
    public static final String EVENT_NAME = "gen_ai.evaluation.result";

    private final SdkLoggerProvider provider;
    private final Logger logger;

    /** @param exporter where log records go */
    public EvaluationEventExporter(LogRecordExporter exporter) {
        this.provider = SdkLoggerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "vigil"))))
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(exporter)
                        .setScheduleDelay(Duration.ofMillis(200)).build())
                .build();
        this.logger = provider.get("dev.vigil");
    }

    /**
     * @param endpoint an OTLP/HTTP base URL ({@code http://collector:4318}) or a full logs URL ending in
     *     {@code /v1/logs}
     * @return an exporter sending protobuf over HTTP
     */
    public static EvaluationEventExporter otlpHttp(String endpoint) {
        String url = endpoint.endsWith("/v1/logs") ? endpoint
                : endpoint.replaceAll("/+$", "") + "/v1/logs";
        return new EvaluationEventExporter(OtlpHttpLogRecordExporter.builder().setEndpoint(url).build());
    }

    /** @param a an assessment: emitted as one {@code gen_ai.evaluation.result} event */
    public void emit(Assessment a) {
        AttributesBuilder attrs = Attributes.builder().put("event.name", EVENT_NAME)
                .put("gen_ai.evaluation.name", a.name());
        Severity severity = Severity.INFO;
        if (a.value() instanceof FeedbackValue f) {
            if (f.error() != null) {
                attrs.put("error.type", f.error().code() == null ? "_OTHER" : f.error().code());
                severity = Severity.WARN;
            }
            switch (f.value()) {
                case null -> { }
                case Boolean b -> attrs.put("gen_ai.evaluation.score.label", b ? "yes" : "no")
                        .put("gen_ai.evaluation.score.value", b ? 1.0 : 0.0);
                case Number n -> attrs.put("gen_ai.evaluation.score.value", n.doubleValue());
                default -> attrs.put("gen_ai.evaluation.score.label", String.valueOf(f.value()));
            }
        }
        if (a.rationale() != null) {
            attrs.put("gen_ai.evaluation.explanation", a.rationale());
        }
        attrs.put("vigil.assessment.id", a.assessmentId() == null ? "" : a.assessmentId());
        String traceHex = a.traceId() != null && a.traceId().startsWith("tr-") ? a.traceId().substring(3) : a.traceId();
        Context ctx = Context.root();
        if (traceHex != null && traceHex.matches("[0-9a-f]{32}")) {
            String spanHex = a.spanId() != null && a.spanId().matches("[0-9a-f]{16}") ? a.spanId() : "0000000000000001";
            ctx = ctx.with(io.opentelemetry.api.trace.Span.wrap(SpanContext.create(traceHex, spanHex,
                    TraceFlags.getSampled(), TraceState.getDefault())));
        }
        if (a.traceId() != null) {
            attrs.put("gen_ai.evaluation.trace_id", a.traceId());
        }
        Instant t = a.createTime() == null ? Instant.now() : a.createTime();
        logger.logRecordBuilder().setContext(ctx).setTimestamp(t).setSeverity(severity)
                .setEventName(EVENT_NAME).setAllAttributes(attrs.build()).emit();
    }

    /** Sends what is batched now. @param timeout how long to wait */
    public void flush(Duration timeout) {
        provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }

    /**
     * @param store a store
     * @return the same store, emitting an event for every assessment written through it — except an earlier
     *     assessment re-written as no longer valid (history kept when a trace or session is scored again): its
     *     event was sent when it was made, and the new assessment that overrides it gets its own
     */
    public Store wrap(Store store) {
        EvaluationEventExporter self = this;
        AssessmentStore inner = store.assessments();
        AssessmentStore exporting = new AssessmentStore() {
            @Override
            public Assessment append(Assessment assessment) {
                Assessment stored = inner.append(assessment);
                self.emit(stored);
                return stored;
            }

            @Override
            public List<Assessment> upsertScorerFeedback(List<Assessment> assessments) {
                List<Assessment> stored = inner.upsertScorerFeedback(assessments);
                for (Assessment a : stored) {
                    if (a.valid()) {
                        self.emit(a);
                    }
                }
                return stored;
            }

            @Override
            public List<Assessment> listByTrace(String traceId) {
                return inner.listByTrace(traceId);
            }

            @Override
            public List<ScoredValue> valuesByScorer(String experimentId, String scorerName, Instant from, Instant to) {
                return inner.valuesByScorer(experimentId, scorerName, from, to);
            }

            @Override
            public Set<String> tracesScoredBy(String scorerName, int scorerVersion, Collection<String> traceIds) {
                return inner.tracesScoredBy(scorerName, scorerVersion, traceIds);
            }
        };
        return new ForwardingStore(store) {
            @Override
            public AssessmentStore assessments() {
                return exporting;
            }
        };
    }
}
