package dev.vigil.core.scorer;

import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * MLflow's normalisation of what a scorer returns, and running a scorer so that its failures become data.
 *
 * <ul>
 *   <li>{@code null} → no feedback;</li>
 *   <li>a {@code Boolean}, {@code Number} or {@code String} → one feedback named after the scorer;</li>
 *   <li>a {@link Feedback} → itself, taking the scorer's name if left with {@link Feedback#DEFAULT_NAME};</li>
 *   <li>a {@code List} of {@link Feedback} → each as above (an empty list → no feedback);</li>
 *   <li>a result over the store's limits → one error feedback {@link ResultLimits#RESULT_TOO_LARGE} with its
 *       size (see {@link ResultLimits});</li>
 *   <li>anything else → one error feedback named after the scorer, code {@link #INVALID_RETURN_TYPE}, whose
 *       message names the scorer and the type it returned.</li>
 * </ul>
 * A feedback without a source gets the scorer's {@link Scorer#source()}.
 */
public final class ScorerResults {

    /** Error code of a feedback recording a scorer that returned a type MLflow does not accept. */
    public static final String INVALID_RETURN_TYPE = "INVALID_RETURN_TYPE";
    /** Error code of a feedback recording a scorer that threw. */
    public static final String SCORER_EXCEPTION = "SCORER_EXCEPTION";

    private ScorerResults() {}

    /**
     * @param scorer the scorer that returned {@code raw}
     * @param raw what it returned
     * @return the feedback to record (immutable)
     */
    public static List<Feedback> normalize(Scorer scorer, Object raw) {
        return normalize(scorer.name(), scorer::source, raw);
    }

    /**
     * Normalises what any scorer returned (a trace scorer or a session scorer), by its name and source.
     *
     * @param name the scorer's name: the name of feedback left with {@link Feedback#DEFAULT_NAME}
     * @param source the source to record on feedback that has none (asked only when needed)
     * @param raw what the scorer returned
     * @return the feedback to record (immutable)
     */
    public static List<Feedback> normalize(String name, Supplier<AssessmentSource> source, Object raw) {
        List<Feedback> out = normalizeUnchecked(name, source, raw);
        if (out.isEmpty()) {
            return out;
        }
        List<Feedback> fitted = new ArrayList<>(out.size());
        out.forEach(f -> fitted.add(ResultLimits.fit(name, f)));
        return List.copyOf(fitted);
    }

    private static List<Feedback> normalizeUnchecked(String name, Supplier<AssessmentSource> source, Object raw) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof Boolean || raw instanceof Number || raw instanceof String) {
            return List.of(new Feedback(name, raw, null, null, null, null, source.get()));
        }
        if (raw instanceof Feedback f) {
            return List.of(named(name, source, f));
        }
        if (raw instanceof List<?> list) {
            List<Feedback> out = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof Feedback f)) {
                    return List.of(invalid(name, source, "a list holding " + typeName(item)));
                }
                out.add(named(name, source, f));
            }
            return List.copyOf(out);
        }
        return List.of(invalid(name, source, typeName(raw)));
    }

    /**
     * Runs a scorer on one input: what it returns is normalised, and what it throws becomes an error feedback
     * ({@link #SCORER_EXCEPTION}, with the stack trace). Only fatal JVM errors ({@link VirtualMachineError}) are
     * rethrown; an interrupt is recorded as a failure and the thread's interrupt flag restored.
     *
     * @param scorer the scorer
     * @param input its input
     * @return the feedback to record
     */
    public static List<Feedback> score(Scorer scorer, ScorerInput input) {
        Object raw;
        try {
            raw = scorer.score(input);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return List.of(failure(scorer, t));
        }
        return normalize(scorer, raw);
    }

    /**
     * @param scorer the scorer that failed
     * @param failure what it threw
     * @return an error feedback named after the scorer
     */
    public static Feedback failure(Scorer scorer, Throwable failure) {
        return failure(scorer.name(), scorer.source(), failure);
    }

    /**
     * @param name the name of the scorer that failed
     * @param source the source to record
     * @param failure what it threw
     * @return an error feedback named after the scorer ({@link #SCORER_EXCEPTION}, with the stack trace)
     */
    public static Feedback failure(String name, AssessmentSource source, Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        AssessmentError error = ResultLimits.error(new AssessmentError(SCORER_EXCEPTION,
                "scorer '" + name + "' threw " + failure, trace.toString()));
        return new Feedback(name, null, error, null, null, null, source);
    }

    private static Feedback named(String name, Supplier<AssessmentSource> source, Feedback f) {
        Feedback out = Feedback.DEFAULT_NAME.equals(f.name()) ? f.withName(name) : f;
        if (out.source() == null) {
            out = new Feedback(out.name(), out.value(), out.error(), out.rationale(), out.metadata(), out.spanId(),
                    source.get());
        }
        return out;
    }

    private static Feedback invalid(String name, Supplier<AssessmentSource> source, String what) {
        AssessmentError error = AssessmentError.of(INVALID_RETURN_TYPE, "scorer '" + name + "' returned "
                + what + "; a scorer returns a boolean, a number, a string, a Feedback, a list of Feedback, or null");
        return new Feedback(name, null, error, null, null, null, source.get());
    }

    private static String typeName(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
