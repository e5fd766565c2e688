package dev.vigil.core.engine;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns what a scorer returned into feedback, as MLflow does: a bool, number or string becomes one feedback
 * named after the scorer; a feedback left with the default name takes the scorer's name; anything else is an
 * {@link FailureCodes#INVALID_RETURN} error naming the type.
 */
final class FeedbackNormalizer {

    private FeedbackNormalizer() {}

    static List<Feedback> normalize(String scorerName, Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof Boolean || raw instanceof String) {
            return List.of(Feedback.of(raw).withName(scorerName));
        }
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return List.of(invalid(scorerName, "the non-finite number " + n));
            }
            return List.of(Feedback.of(raw).withName(scorerName));
        }
        if (raw instanceof Feedback f) {
            return List.of(named(scorerName, f));
        }
        if (raw instanceof List<?> list) {
            List<Feedback> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof Feedback f)) {
                    return List.of(invalid(scorerName, "a list holding a "
                            + (item == null ? "null" : item.getClass().getName())));
                }
                out.add(named(scorerName, f));
            }
            return List.copyOf(out);
        }
        return List.of(invalid(scorerName, "a " + raw.getClass().getName()));
    }

    private static Feedback named(String scorerName, Feedback f) {
        return Feedback.DEFAULT_NAME.equals(f.name()) ? f.withName(scorerName) : f;
    }

    static Feedback invalid(String scorerName, String what) {
        return Feedback.error(AssessmentError.of(FailureCodes.INVALID_RETURN, "scorer '" + scorerName
                + "' returned " + what + "; a scorer may return a Boolean, Number, String, Feedback,"
                + " List<Feedback> or null")).withName(scorerName);
    }
}
