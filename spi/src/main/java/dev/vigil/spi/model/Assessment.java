package dev.vigil.spi.model;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A feedback or an expectation attached to a trace (or one of its spans), MLflow 3's {@code Assessment}.
 *
 * @param assessmentId the id, or null before a store assigns one
 * @param name the assessment name (for a scorer's feedback, the feedback name)
 * @param traceId the trace it is attached to
 * @param spanId the span it is about, or null for the whole trace
 * @param source who made it
 * @param createTime when it was made
 * @param lastUpdateTime when it was last changed
 * @param value exactly one of a feedback or an expectation
 * @param rationale why, or null
 * @param metadata string metadata: scorer name and version, judge cost, tokens... (immutable)
 * @param overrides the id of an assessment this one replaces, or null
 * @param valid false once another assessment overrides this one
 */
public record Assessment(
        String assessmentId,
        String name,
        String traceId,
        String spanId,
        AssessmentSource source,
        Instant createTime,
        Instant lastUpdateTime,
        AssessmentValue value,
        String rationale,
        Map<String, String> metadata,
        String overrides,
        boolean valid) {

    /** Metadata key: the name of the scorer that made this feedback. */
    public static final String METADATA_SCORER_NAME = "vigil.scorer.name";
    /** Metadata key: the version of the scorer that made this feedback. */
    public static final String METADATA_SCORER_VERSION = "vigil.scorer.version";
    /** Metadata key: how long the scorer took, in milliseconds. */
    public static final String METADATA_DURATION_MS = "vigil.scorer.durationMs";
    /**
     * Metadata key: the revision of the trace this feedback judged ({@link TraceInfo#METADATA_REVISION}; absent
     * means revision 0, the trace as it first completed). Part of the key scorer feedback is upserted by.
     */
    public static final String METADATA_TRACE_REVISION = TraceInfo.METADATA_REVISION;

    /** Validates and freezes. */
    public Assessment {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("an assessment needs a non-blank name");
        }
        if (traceId == null || traceId.isEmpty()) {
            throw new InvalidInputException("assessment '" + name + "' has no trace id");
        }
        if (value == null) {
            throw new InvalidInputException("assessment '" + name + "' on trace " + traceId
                    + " holds neither a feedback nor an expectation");
        }
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(createTime, "createTime");
        lastUpdateTime = lastUpdateTime == null ? createTime : lastUpdateTime;
        metadata = Json.freezeStrings(metadata);
    }

    /** @return the feedback, or null if this is an expectation */
    public FeedbackValue feedback() {
        return value instanceof FeedbackValue f ? f : null;
    }

    /** @return the expectation, or null if this is a feedback */
    public ExpectationValue expectation() {
        return value instanceof ExpectationValue e ? e : null;
    }

    /** @return the scorer name from the metadata, or null if no scorer made this */
    public String scorerName() {
        return metadata.get(METADATA_SCORER_NAME);
    }

    /** @return the scorer version from the metadata, or 0 if no scorer made this */
    public int scorerVersion() {
        String v = metadata.get(METADATA_SCORER_VERSION);
        return v == null ? 0 : Integer.parseInt(v);
    }

    /** @return the trace revision this feedback judged, from the metadata; 0 if absent or not a whole number */
    public long traceRevision() {
        return TraceInfo.parseRevision(metadata.get(METADATA_TRACE_REVISION));
    }

    /** @return a builder with this assessment's values */
    public Builder toBuilder() {
        return new Builder().assessmentId(assessmentId).name(name).traceId(traceId).spanId(spanId).source(source)
                .createTime(createTime).lastUpdateTime(lastUpdateTime).value(value).rationale(rationale)
                .metadata(metadata).overrides(overrides).valid(valid);
    }

    /** @return a builder; {@code valid} defaults to true */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Assessment}; the record constructor validates. */
    public static final class Builder {
        private String assessmentId;
        private String name;
        private String traceId;
        private String spanId;
        private AssessmentSource source;
        private Instant createTime;
        private Instant lastUpdateTime;
        private AssessmentValue value;
        private String rationale;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private String overrides;
        private boolean valid = true;

        private Builder() {}

        /**
         * @param v id
         * @return this
         */
        public Builder assessmentId(String v) { this.assessmentId = v; return this; }
        /**
         * @param v name
         * @return this
         */
        public Builder name(String v) { this.name = v; return this; }
        /**
         * @param v trace id
         * @return this
         */
        public Builder traceId(String v) { this.traceId = v; return this; }
        /**
         * @param v span id
         * @return this
         */
        public Builder spanId(String v) { this.spanId = v; return this; }
        /**
         * @param v source
         * @return this
         */
        public Builder source(AssessmentSource v) { this.source = v; return this; }
        /**
         * @param v create time
         * @return this
         */
        public Builder createTime(Instant v) { this.createTime = v; return this; }
        /**
         * @param v last update time
         * @return this
         */
        public Builder lastUpdateTime(Instant v) { this.lastUpdateTime = v; return this; }
        /**
         * @param v the feedback or expectation
         * @return this
         */
        public Builder value(AssessmentValue v) { this.value = v; return this; }
        /**
         * @param v a feedback value (JSON value)
         * @return this
         */
        public Builder feedback(Object v) { this.value = FeedbackValue.of(v); return this; }
        /**
         * @param v an error feedback
         * @return this
         */
        public Builder error(AssessmentError v) { this.value = FeedbackValue.error(v); return this; }
        /**
         * @param v an expectation value (JSON value)
         * @return this
         */
        public Builder expectation(Object v) { this.value = new ExpectationValue(v); return this; }
        /**
         * @param v rationale
         * @return this
         */
        public Builder rationale(String v) { this.rationale = v; return this; }
        /**
         * @param k key
         * @param v value
         * @return this
         */
        public Builder metadata(String k, String v) { this.metadata.put(k, v); return this; }
        /**
         * @param v metadata, replacing any set before
         * @return this
         */
        public Builder metadata(Map<String, String> v) { this.metadata.clear(); this.metadata.putAll(v); return this; }
        /**
         * @param v overridden assessment id
         * @return this
         */
        public Builder overrides(String v) { this.overrides = v; return this; }
        /**
         * @param v validity
         * @return this
         */
        public Builder valid(boolean v) { this.valid = v; return this; }

        /** @return the assessment */
        public Assessment build() {
            return new Assessment(assessmentId, name, traceId, spanId, source, createTime, lastUpdateTime, value,
                    rationale, metadata, overrides, valid);
        }
    }
}
