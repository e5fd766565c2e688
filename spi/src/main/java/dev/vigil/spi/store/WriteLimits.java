package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.LimitExceededException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.util.Collection;
import java.util.Map;

/**
 * The sizes every store accepts, the same on every backend (memory, fs, H2, PostgreSQL, SQLite): every store
 * checks what it is asked to write with {@link #check(Trace)} and {@link #check(Assessment)} before writing
 * anything, so that no row is ever written that a reader cannot read back. Sizes are counted in characters of the
 * value's JSON text (strings, keys, numbers), not bytes.
 *
 * @param maxIdChars trace, experiment, span, assessment and client request ids
 * @param maxNameChars assessment, span, experiment and scorer names, span types, metadata/tag/attribute keys,
 *     error codes
 * @param maxValueChars an assessment's value (feedback or expectation)
 * @param maxRationaleChars an assessment's rationale
 * @param maxMetadataValueChars one value of assessment metadata, trace metadata or trace tags
 * @param maxErrorMessageChars an error's message (assessment errors, span status messages)
 * @param maxStackTraceChars an error's stack trace
 * @param maxSpanAttributeChars one span attribute, a span's inputs or outputs, a request or response preview
 * @param maxTraceChars a whole trace (all of its spans)
 * @param maxDurationMs a trace's execution duration, in milliseconds
 */
public record WriteLimits(
        int maxIdChars,
        int maxNameChars,
        int maxValueChars,
        int maxRationaleChars,
        int maxMetadataValueChars,
        int maxErrorMessageChars,
        int maxStackTraceChars,
        int maxSpanAttributeChars,
        int maxTraceChars,
        long maxDurationMs) {

    /** 256 characters. */
    public static final int DEFAULT_ID_CHARS = 256;
    /** 256 characters. */
    public static final int DEFAULT_NAME_CHARS = 256;
    /** 1 MiB of characters. */
    public static final int DEFAULT_VALUE_CHARS = 1 << 20;
    /** 64 KiB of characters. */
    public static final int DEFAULT_RATIONALE_CHARS = 64 << 10;
    /** 64 KiB of characters. */
    public static final int DEFAULT_METADATA_VALUE_CHARS = 64 << 10;
    /** 16 KiB of characters. */
    public static final int DEFAULT_ERROR_MESSAGE_CHARS = 16 << 10;
    /** 64 KiB of characters. */
    public static final int DEFAULT_STACK_TRACE_CHARS = 64 << 10;
    /** 4 MiB of characters. */
    public static final int DEFAULT_SPAN_ATTRIBUTE_CHARS = 4 << 20;
    /** 16 MiB of characters. */
    public static final int DEFAULT_TRACE_CHARS = 16 << 20;
    /** 100 years in milliseconds. */
    public static final long DEFAULT_DURATION_MS = 100L * 366 * 24 * 3600 * 1000;

    /** The limits every store applies. */
    public static final WriteLimits DEFAULTS = new WriteLimits(DEFAULT_ID_CHARS, DEFAULT_NAME_CHARS,
            DEFAULT_VALUE_CHARS, DEFAULT_RATIONALE_CHARS, DEFAULT_METADATA_VALUE_CHARS, DEFAULT_ERROR_MESSAGE_CHARS,
            DEFAULT_STACK_TRACE_CHARS, DEFAULT_SPAN_ATTRIBUTE_CHARS, DEFAULT_TRACE_CHARS, DEFAULT_DURATION_MS);

    /** Validates: every limit is positive. */
    public WriteLimits {
        if (maxIdChars < 1 || maxNameChars < 1 || maxValueChars < 1 || maxRationaleChars < 1
                || maxMetadataValueChars < 1 || maxErrorMessageChars < 1 || maxStackTraceChars < 1
                || maxSpanAttributeChars < 1 || maxTraceChars < 1 || maxDurationMs < 1) {
            throw new InvalidInputException("every write limit must be 1 or more");
        }
    }

    /**
     * The most characters a stored assessment row can take: what a reader may accept before it treats a row as
     * written by an older version without limits (and skips it).
     *
     * @return the bound
     */
    public long maxAssessmentRowChars() {
        return (long) maxValueChars + maxRationaleChars + maxErrorMessageChars + maxStackTraceChars
                + 64L * (maxMetadataValueChars + maxNameChars) + 16L * maxIdChars + 4096;
    }

    /**
     * The most characters a stored trace row can take, for readers (see {@link #maxAssessmentRowChars()}).
     *
     * @return the bound
     */
    public long maxTraceRowChars() {
        return 2L * maxTraceChars + 4L * maxSpanAttributeChars;
    }

    /**
     * @param traces traces about to be written
     * @throws LimitExceededException for the first field over its limit; the caller writes nothing
     */
    public void checkTraces(Collection<Trace> traces) {
        for (Trace t : traces) {
            if (t == null) {
                throw new InvalidInputException("a batch of traces holds a null trace; nothing was written");
            }
            check(t);
        }
    }

    /**
     * @param trace a trace about to be written (its info, spans and the assessments in its info)
     * @throws LimitExceededException for the first field over its limit
     * @throws InvalidInputException for an execution duration out of range
     */
    public void check(Trace trace) {
        // every comparison comes first and a message is built only for a value over its limit: this runs for every
        // span of every stored trace, and building the "of span X of trace Y" texts cost more than the checks
        TraceInfo info = trace.info();
        String tid = info.traceId();
        id("trace id", tid);
        if (length(info.experimentId()) > maxIdChars) {
            id("experiment id" + at(tid), info.experimentId());
        }
        if (length(info.clientRequestId()) > maxIdChars) {
            id("client request id" + at(tid), info.clientRequestId());
        }
        Long d = info.executionDurationMs();
        if (d != null && (d < 0 || d > maxDurationMs)) {
            throw new InvalidInputException("execution duration" + at(tid) + " is " + d
                    + " ms; it must be between 0 and " + maxDurationMs + " ms");
        }
        if (length(info.requestPreview()) > maxSpanAttributeChars) {
            limit("request preview" + at(tid), length(info.requestPreview()), maxSpanAttributeChars);
        }
        if (length(info.responsePreview()) > maxSpanAttributeChars) {
            limit("response preview" + at(tid), length(info.responsePreview()), maxSpanAttributeChars);
        }
        stringMap("trace metadata", tid, info.traceMetadata());
        stringMap("tag", tid, info.tags());
        long total = 0;
        for (Span s : trace.spans()) {
            if (length(s.spanId()) > maxIdChars) {
                id("span id" + at(tid), s.spanId());
            }
            if (length(s.parentSpanId()) > maxIdChars) {
                id("parent span id" + ofSpan(s, tid), s.parentSpanId());
            }
            if (length(s.traceId()) > maxIdChars) {
                id("trace id" + ofSpan(s, tid), s.traceId());
            }
            if (length(s.name()) > maxNameChars) {
                name("span name" + ofSpan(s, tid), s.name());
            }
            if (length(s.spanType()) > maxNameChars) {
                name("span type" + ofSpan(s, tid), s.spanType());
            }
            if (s.status() != null && length(s.status().message()) > maxErrorMessageChars) {
                limit("status message" + ofSpan(s, tid), length(s.status().message()), maxErrorMessageChars);
            }
            total += attribute("inputs", s, tid, s.inputs());
            total += attribute("outputs", s, tid, s.outputs());
            total += attributes("attribute", s, tid, s.attributes());
            for (SpanEvent e : s.events()) {
                if (length(e.name()) > maxNameChars) {
                    name("event name" + ofSpan(s, tid), e.name());
                }
                total += attributes("event attribute", s, tid, e.attributes());
            }
        }
        limit("trace " + shortId(tid) + " (all spans)", total, maxTraceChars);
        for (Assessment a : info.assessments()) {
            check(a);
        }
    }

    private static String at(String traceId) {
        return " of trace " + shortId(traceId);
    }

    private static String ofSpan(Span s, String traceId) {
        return " of span " + shortId(s.spanId()) + at(traceId);
    }

    /**
     * @param a an assessment about to be written
     * @throws LimitExceededException for the first field over its limit
     */
    public void check(Assessment a) {
        String at = " of assessment '" + shortId(a.name()) + "' on trace " + shortId(a.traceId());
        id("assessment id" + at, a.assessmentId());
        name("assessment name", a.name());
        id("trace id" + at, a.traceId());
        id("span id" + at, a.spanId());
        id("overridden assessment id" + at, a.overrides());
        AssessmentSource src = a.source();
        if (src != null) {
            name("source id" + at, src.sourceId());
        }
        switch (a.value()) {
            case FeedbackValue f -> {
                limit("value" + at, jsonChars(f.value()), maxValueChars);
                AssessmentError e = f.error();
                if (e != null) {
                    name("error code" + at, e.code());
                    limit("error message" + at, length(e.message()), maxErrorMessageChars);
                    limit("stack trace" + at, length(e.stackTrace()), maxStackTraceChars);
                }
            }
            case ExpectationValue x -> limit("value" + at, jsonChars(x.value()), maxValueChars);
            case null -> { }
        }
        limit("rationale" + at, length(a.rationale()), maxRationaleChars);
        stringMap("metadata" + at, a.metadata());
    }

    /**
     * @param what what the id names, e.g. {@code experiment id}
     * @param id an id about to be written, or null
     * @throws LimitExceededException if it is too long
     */
    public void id(String what, String id) {
        limit(what, length(id), maxIdChars);
    }

    /**
     * @param what what the name names, e.g. {@code scorer name}
     * @param name a name about to be written, or null
     * @throws LimitExceededException if it is too long
     */
    public void name(String what, String name) {
        limit(what, length(name), maxNameChars);
    }

    /**
     * The size by which limits are counted: the characters of a JSON value's strings, keys and numbers, with one
     * for each separator.
     *
     * @param value a JSON-like value (map, list, string, number, boolean or null)
     * @return its size in characters
     */
    public static long jsonChars(Object value) {
        return Json.jsonChars(value); // counted once per frozen object or array, which remembers its size
    }

    private long attributes(String what, Span span, String traceId, Map<String, Object> attributes) {
        long total = 0;
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            String key = e.getKey();
            if (key == null || key.length() > maxNameChars) { // the message is built only when it is needed
                name(what + " name" + ofSpan(span, traceId), key);
            }
            Object value = e.getValue();
            if (value != null) {
                long n = jsonChars(value);
                if (n > maxSpanAttributeChars) {
                    limit(what + " '" + shortId(key) + "'" + ofSpan(span, traceId), n, maxSpanAttributeChars);
                }
                total += n;
            }
        }
        return total;
    }

    private long attribute(String what, Span span, String traceId, Object value) {
        if (value == null) {
            return 0;
        }
        long n = jsonChars(value);
        if (n > maxSpanAttributeChars) {
            limit(what + ofSpan(span, traceId), n, maxSpanAttributeChars);
        }
        return n;
    }

    /** Trace metadata or tags: the message names the trace, built only on failure. */
    private void stringMap(String what, String traceId, Map<String, String> map) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (length(e.getKey()) > maxNameChars || length(e.getValue()) > maxMetadataValueChars) {
                stringMap(what + at(traceId), java.util.Collections.singletonMap(e.getKey(), e.getValue()));
            }
        }
    }

    private void stringMap(String what, Map<String, String> map) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            name(what + " key", e.getKey());
            limit(what + " '" + shortId(e.getKey()) + "'", length(e.getValue()), maxMetadataValueChars);
        }
    }

    private static void limit(String what, long size, long limit) {
        if (size > limit) {
            throw new LimitExceededException(what, size, limit);
        }
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    /** @return the id as it may be shown in a message: at most 64 characters */
    static String shortId(String id) {
        if (id == null) {
            return "null";
        }
        return id.length() <= 64 ? id : id.substring(0, 48) + "…(" + id.length() + " chars)";
    }
}
