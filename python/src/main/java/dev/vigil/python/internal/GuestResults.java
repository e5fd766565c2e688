package dev.vigil.python.internal;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.graalvm.polyglot.Value;

/**
 * Reads what the harness returns into Java: Python's bool/int/str come back as themselves, everything else as a
 * small tagged tuple ({@code ("D", float)}, {@code ("F", feedback)}, {@code ("L", [feedback...])},
 * {@code ("T", type name)}, {@code ("X", exception type, message, traceback)}, {@code ("O",)} past the output limit).
 */
final class GuestResults {
    /** Error code of a scorer that returned a type Vigil cannot record. */
    static final String INVALID_RETURN_TYPE = "INVALID_RETURN_TYPE";
    /** Error code of a scorer that printed more than the output limit. */
    static final String OUTPUT_LIMIT_EXCEEDED = "OUTPUT_LIMIT_EXCEEDED";

    private GuestResults() {}

    /**
     * @param scorer the scorer's name, for messages
     * @param r what the harness returned
     * @param output what the scorer printed (attached to errors)
     * @param outputLimit the output limit in bytes (for the message of a scorer that went past it)
     * @return Boolean, Long, Double, String, Feedback, List of Feedback, or null
     */
    static Object read(String scorer, Value r, String output, int outputLimit) {
        if (r.isNull()) {
            return null;
        }
        if (r.isBoolean()) {
            return r.asBoolean();
        }
        if (r.isString()) {
            return r.asString();
        }
        if (r.isNumber()) {
            if (r.fitsInLong()) {
                return r.asLong();
            }
            return Feedback.error(new AssessmentError(INVALID_RETURN_TYPE, "scorer '" + scorer
                    + "' returned an int outside the 64-bit range; return a float or a str instead", null));
        }
        String tag = r.getArrayElement(0).asString();
        switch (tag) {
            case "D":
                return r.getArrayElement(1).asDouble();
            case "F":
                return feedback(r.getArrayElement(1));
            case "L": {
                Value items = r.getArrayElement(1);
                int n = (int) items.getArraySize();
                List<Feedback> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(feedback(items.getArrayElement(i)));
                }
                return Collections.unmodifiableList(out);
            }
            case "T":
                return Feedback.error(new AssessmentError(INVALID_RETURN_TYPE, "scorer '" + scorer + "' returned a "
                        + r.getArrayElement(1).asString() + "; a scorer returns bool, int, float, str, Feedback, a list "
                        + "of Feedback, or None", null));
            case "O":
                return Feedback.error(new AssessmentError(OUTPUT_LIMIT_EXCEEDED, LimitMessages.output(scorer,
                        outputLimit), withOutput(null, output)));
            case "X": {
                String type = r.getArrayElement(1).asString();
                String message = r.getArrayElement(2).asString();
                String tb = r.getArrayElement(3).asString();
                return Feedback.error(new AssessmentError(type, type + ": " + message, withOutput(tb, output)));
            }
            default:
                throw new IllegalStateException("unknown harness result tag " + tag);
        }
    }

    /** @return the traceback followed by the captured output, or null when both are empty */
    static String withOutput(String traceback, String output) {
        boolean noTb = traceback == null || traceback.isEmpty();
        boolean noOut = output == null || output.isEmpty();
        if (noTb && noOut) {
            return null;
        }
        if (noOut) {
            return traceback;
        }
        return (noTb ? "" : traceback + "\n") + "--- scorer output ---\n" + output;
    }

    private static Feedback feedback(Value t) {
        String name = str(t.getArrayElement(0));
        Object value = java(t.getArrayElement(1), 0);
        String rationale = str(t.getArrayElement(2));
        Value md = t.getArrayElement(3);
        Map<String, String> metadata = Map.of();
        if (!md.isNull()) {
            Map<String, String> m = new LinkedHashMap<>();
            Value it = md.getHashEntriesIterator();
            while (it.hasIteratorNextElement()) {
                Value e = it.getIteratorNextElement();
                m.put(e.getArrayElement(0).asString(), e.getArrayElement(1).asString());
            }
            metadata = m;
        }
        Value err = t.getArrayElement(4);
        AssessmentError error = err.isNull() ? null : new AssessmentError(err.getArrayElement(0).asString(),
                str(err.getArrayElement(1)), str(err.getArrayElement(2)));
        String spanId = str(t.getArrayElement(5));
        Value src = t.getArrayElement(6);
        AssessmentSource source = null;
        if (!src.isNull()) {
            AssessmentSourceType type;
            try {
                type = AssessmentSourceType.valueOf(src.getArrayElement(0).asString().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                type = AssessmentSourceType.CODE;
            }
            source = new AssessmentSource(type, str(src.getArrayElement(1)));
        }
        return new Feedback(name, value, error, rationale, metadata, spanId, source);
    }

    private static String str(Value v) {
        return v.isNull() ? null : v.asString();
    }

    /** Converts a JSON-like guest value (already checked by the harness) to plain Java. */
    private static Object java(Value v, int depth) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNumber()) {
            if (v.fitsInLong() && "int".equals(v.getMetaObject().getMetaSimpleName())) {
                return v.asLong();
            }
            return v.asDouble();
        }
        if (v.hasHashEntries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            Value it = v.getHashEntriesIterator();
            while (it.hasIteratorNextElement()) {
                Value e = it.getIteratorNextElement();
                m.put(e.getArrayElement(0).asString(), java(e.getArrayElement(1), depth + 1));
            }
            return m;
        }
        if (v.hasArrayElements()) {
            List<Object> l = new ArrayList<>();
            for (long i = 0; i < v.getArraySize(); i++) {
                l.add(java(v.getArrayElement(i), depth + 1));
            }
            return l;
        }
        return v.toString();
    }
}
