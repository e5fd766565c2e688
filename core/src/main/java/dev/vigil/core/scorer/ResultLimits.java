package dev.vigil.core.scorer;

import dev.vigil.spi.LimitExceededException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.store.WriteLimits;
import java.util.Map;

/**
 * Fits what a scorer returns into the store's {@link WriteLimits} before it becomes an assessment, so that a
 * scorer result is never a row a reader cannot read: a value, rationale, name or metadata over its limit becomes
 * an error feedback {@link #RESULT_TOO_LARGE} naming the size and the limit; an error message or stack trace over
 * its limit is cut, saying how much was left out.
 */
public final class ResultLimits {

    /** Error code of a feedback recording a scorer result over the store's limits. */
    public static final String RESULT_TOO_LARGE = "RESULT_TOO_LARGE";

    private static final WriteLimits LIMITS = WriteLimits.DEFAULTS;

    private ResultLimits() {}

    /**
     * @param scorerName the scorer that made the feedback
     * @param f a feedback
     * @return the feedback itself if it fits, else an error feedback {@link #RESULT_TOO_LARGE} (or, for an
     *     oversized error, the error cut to size)
     */
    public static Feedback fit(String scorerName, Feedback f) {
        String name = f.name();
        try {
            if (name != null && name.length() > LIMITS.maxNameChars()) {
                throw new LimitExceededException("the feedback name", name.length(), LIMITS.maxNameChars());
            }
            if (f.value() != null) {
                long size = WriteLimits.jsonChars(f.value());
                if (size > LIMITS.maxValueChars()) {
                    throw new LimitExceededException("the value", size, LIMITS.maxValueChars());
                }
            }
            if (f.rationale() != null && f.rationale().length() > LIMITS.maxRationaleChars()) {
                throw new LimitExceededException("the rationale", f.rationale().length(),
                        LIMITS.maxRationaleChars());
            }
            for (Map.Entry<String, String> e : f.metadata().entrySet()) {
                if (e.getKey().length() > LIMITS.maxNameChars()) {
                    throw new LimitExceededException("a metadata key", e.getKey().length(), LIMITS.maxNameChars());
                }
                if (e.getValue() != null && e.getValue().length() > LIMITS.maxMetadataValueChars()) {
                    throw new LimitExceededException("metadata '" + e.getKey() + "'", e.getValue().length(),
                            LIMITS.maxMetadataValueChars());
                }
            }
        } catch (LimitExceededException tooLarge) {
            String shownName = name == null || name.length() > LIMITS.maxNameChars() ? scorerName : name;
            AssessmentError error = new AssessmentError(RESULT_TOO_LARGE, "scorer '" + scorerName + "' returned "
                    + tooLarge.field() + " of " + tooLarge.size() + " characters; the store's limit is "
                    + tooLarge.limit() + " (see \"Limits on what is stored\" in the README)", null);
            return new Feedback(shownName, null, error, null, null, f.spanId(), f.source());
        }
        if (f.error() != null) {
            AssessmentError e = error(f.error());
            if (e != f.error()) {
                return new Feedback(f.name(), null, e, f.rationale(), f.metadata(), f.spanId(), f.source());
            }
        }
        return f;
    }

    /**
     * @param e an error about to be recorded
     * @return the error itself if it fits, else with its code, message and stack trace cut to the limits
     */
    public static AssessmentError error(AssessmentError e) {
        String code = cut(e.code(), LIMITS.maxNameChars());
        String message = cut(e.message(), LIMITS.maxErrorMessageChars());
        String stack = cut(e.stackTrace(), LIMITS.maxStackTraceChars());
        if (code == e.code() && message == e.message() && stack == e.stackTrace()) {
            return e;
        }
        return new AssessmentError(code, message, stack);
    }

    private static String cut(String s, int limit) {
        if (s == null || s.length() <= limit) {
            return s;
        }
        String tail = "… (" + (s.length() - limit + 64) + " more characters cut)";
        return s.substring(0, limit - 64) + tail;
    }
}
