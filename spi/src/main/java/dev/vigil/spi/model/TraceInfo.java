package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace's summary, MLflow 3's {@code TraceInfo}.
 *
 * @param traceId the trace id (MLflow V3: {@code tr-<32 hex>}; any non-empty string is accepted)
 * @param experimentId the experiment it was logged to (its trace location)
 * @param requestTime when the request started (millisecond precision in MLflow)
 * @param executionDurationMs how long it ran, or null if unknown / still running
 * @param state the trace state
 * @param requestPreview a short preview of the request, or null
 * @param responsePreview a short preview of the response, or null
 * @param clientRequestId the caller's request id, or null
 * @param traceMetadata immutable string metadata ({@code mlflow.traceName}, token usage, run id...)
 * @param tags mutable-in-MLflow, immutable-here string tags
 * @param assessments the assessments attached to the trace
 */
public record TraceInfo(
        String traceId,
        String experimentId,
        Instant requestTime,
        Long executionDurationMs,
        TraceState state,
        String requestPreview,
        String responsePreview,
        String clientRequestId,
        Map<String, String> traceMetadata,
        Map<String, String> tags,
        List<Assessment> assessments) {

    /**
     * Metadata key: the revision of a complete trace that scorers judge. Absent means 0 (the trace as it first
     * completed). A trace stored again with a higher revision (e.g. late OpenTelemetry spans under the re-score
     * rule) is scored again by each active scorer version; its earlier feedback stays as history with
     * {@code valid = false}, overridden by the new one.
     */
    public static final String METADATA_REVISION = "vigil.trace.revision";

    /** @return this trace's revision ({@link #METADATA_REVISION}), 0 if absent or not a whole number of 0 or more */
    public long revision() {
        return parseRevision(traceMetadata.get(METADATA_REVISION));
    }

    /**
     * @param value a revision as written in metadata, or null
     * @return it as a number; 0 if null, not a whole number, or negative
     */
    public static long parseRevision(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Validates and freezes. */
    public TraceInfo {
        if (traceId == null || traceId.isEmpty()) {
            throw new InvalidInputException("a trace needs a non-empty trace id");
        }
        if (experimentId == null || experimentId.isEmpty()) {
            throw new InvalidInputException("trace " + traceId + " has no experiment id (its trace location)");
        }
        if (requestTime == null) {
            throw new InvalidInputException("trace " + traceId + " has no request time");
        }
        if (requestTime.isBefore(Instant.EPOCH)) {
            throw new InvalidInputException("trace " + traceId + " has a negative request time " + requestTime
                    + "; times must be at or after 1970-01-01T00:00:00Z");
        }
        if (executionDurationMs != null && executionDurationMs < 0) {
            throw new InvalidInputException("trace " + traceId + " has a negative execution duration "
                    + executionDurationMs + " ms");
        }
        state = state == null ? TraceState.STATE_UNSPECIFIED : state;
        traceMetadata = Json.freezeStrings(traceMetadata);
        tags = Json.freezeStrings(tags);
        assessments = assessments == null ? List.of() : List.copyOf(assessments);
    }

    /** @return request time in epoch milliseconds ({@code timestamp_ms} in filters) */
    public long timestampMs() {
        return requestTime.toEpochMilli();
    }

    /** @return a copy with other assessments */
    public TraceInfo withAssessments(List<Assessment> newAssessments) {
        return new TraceInfo(traceId, experimentId, requestTime, executionDurationMs, state, requestPreview,
                responsePreview, clientRequestId, traceMetadata, tags, newAssessments);
    }

    /** @return a copy in another experiment */
    public TraceInfo withExperimentId(String newExperimentId) {
        return new TraceInfo(traceId, newExperimentId, requestTime, executionDurationMs, state, requestPreview,
                responsePreview, clientRequestId, traceMetadata, tags, assessments);
    }

    /** @return a builder with this info's values */
    public Builder toBuilder() {
        return new Builder().traceId(traceId).experimentId(experimentId).requestTime(requestTime)
                .executionDurationMs(executionDurationMs).state(state).requestPreview(requestPreview)
                .responsePreview(responsePreview).clientRequestId(clientRequestId).traceMetadata(traceMetadata)
                .tags(tags).assessments(assessments);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link TraceInfo}; the record constructor validates. */
    public static final class Builder {
        private String traceId;
        private String experimentId;
        private Instant requestTime;
        private Long executionDurationMs;
        private TraceState state = TraceState.OK;
        private String requestPreview;
        private String responsePreview;
        private String clientRequestId;
        private final Map<String, String> traceMetadata = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private List<Assessment> assessments = List.of();

        private Builder() {}

        /**
         * @param v trace id
         * @return this
         */
        public Builder traceId(String v) { this.traceId = v; return this; }
        /**
         * @param v experiment id
         * @return this
         */
        public Builder experimentId(String v) { this.experimentId = v; return this; }
        /**
         * @param v request time
         * @return this
         */
        public Builder requestTime(Instant v) { this.requestTime = v; return this; }
        /**
         * @param v duration in ms, or null
         * @return this
         */
        public Builder executionDurationMs(Long v) { this.executionDurationMs = v; return this; }
        /**
         * @param v state
         * @return this
         */
        public Builder state(TraceState v) { this.state = v; return this; }
        /**
         * @param v request preview
         * @return this
         */
        public Builder requestPreview(String v) { this.requestPreview = v; return this; }
        /**
         * @param v response preview
         * @return this
         */
        public Builder responsePreview(String v) { this.responsePreview = v; return this; }
        /**
         * @param v client request id
         * @return this
         */
        public Builder clientRequestId(String v) { this.clientRequestId = v; return this; }
        /**
         * @param k key
         * @param v value
         * @return this
         */
        public Builder traceMetadata(String k, String v) { this.traceMetadata.put(k, v); return this; }
        /**
         * @param v metadata, replacing any set before
         * @return this
         */
        public Builder traceMetadata(Map<String, String> v) { this.traceMetadata.clear(); this.traceMetadata.putAll(v); return this; }
        /**
         * @param k key
         * @param v value
         * @return this
         */
        public Builder tag(String k, String v) { this.tags.put(k, v); return this; }
        /**
         * @param v tags, replacing any set before
         * @return this
         */
        public Builder tags(Map<String, String> v) { this.tags.clear(); this.tags.putAll(v); return this; }
        /**
         * @param v assessments
         * @return this
         */
        public Builder assessments(List<Assessment> v) { this.assessments = v; return this; }

        /** @return the trace info */
        public TraceInfo build() {
            return new TraceInfo(traceId, experimentId, requestTime, executionDurationMs, state, requestPreview,
                    responsePreview, clientRequestId, traceMetadata, tags, assessments);
        }
    }
}
