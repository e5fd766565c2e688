package dev.vigil.python;

import dev.vigil.python.internal.Analysis;
import dev.vigil.python.internal.Outcome;
import dev.vigil.python.internal.ScorerCode;
import dev.vigil.python.internal.ScorerRuntime;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A user's Python scorer function, as MLflow users write it, run in a GraalPy sandbox.
 *
 * <p>The source is what MLflow users write: a function decorated with {@code @scorer} (with or without
 * {@code name=} and {@code aggregations=[...]}), importing {@code from mlflow.genai.scorers import scorer} and
 * {@code from mlflow.entities import Feedback, AssessmentSource, AssessmentError} (a shim inside the sandbox), with
 * imports inside its body. Its parameters are bound by name to {@code inputs}, {@code outputs}, {@code expectations}
 * and {@code trace} (read-only, with {@code info}, {@code data.spans} and {@code search_spans(span_type=...)}).
 * The source is compiled and loaded once at registration, so a syntax error is reported then, with its line and
 * column ({@link PythonSourceException}).
 *
 * <p>A function (or a class-based scorer's {@code __call__}) whose signature takes {@code session} is a session
 * (multi-turn) scorer, as in MLflow 3.8+: it receives the session's traces in turn order, as a list of read-only
 * {@code mlflow.entities.Trace} views, and may also take {@code expectations} (an empty dict: sessions carry none).
 * {@link #sessionLevel()} is then true and the scorer is run through {@link #scoreSession}; a signature that mixes
 * {@code session} with {@code inputs}, {@code outputs} or {@code trace} is refused when the source is loaded. The
 * return values map as for trace scorers.
 *
 * <p>{@link #score} returns Boolean, Long, Double, String, {@link Feedback}, a list of Feedback, or null; any other
 * Python result, an exception, an overrun of the time or allocation budget, or a crash becomes an error
 * {@link Feedback}. A scorer that overruns its budget {@code quarantineAfterOverruns} times in a row, or that is
 * stuck in code the sandbox cannot interrupt, is quarantined ({@link #status()}): from then on every call returns
 * an error feedback with the reason, without running it.
 */
public final class PythonScorer implements Scorer, SessionScorer {
    /** The scorer-definition kind. */
    public static final String KIND = "python";
    /** Error code of a call refused because the scorer is quarantined. */
    public static final String QUARANTINED = "QUARANTINED";
    /** Error code of a call at the wrong level: a trace given to a session scorer, or a session to a trace scorer. */
    public static final String MISSING_INPUT = "MISSING_INPUT";
    /** The definition key saying the scorer takes {@code session}; written only for session scorers. */
    static final String SESSION_LEVEL_KEY = "session_level";

    private static final AtomicLong IDS = new AtomicLong();

    private final String name;
    private final String source;
    private final String entryPoint;
    private final List<Aggregation> aggregations;
    private final Isolation isolation;
    private final PythonSandbox sandbox;
    private final ScorerCode code;
    private final ScorerDefinition definition;
    private final boolean sessionLevel;
    private final AtomicReference<ScorerStatus> status = new AtomicReference<>(ScorerStatus.ACTIVE);
    private final AtomicInteger overruns = new AtomicInteger();

    private PythonScorer(Builder b) {
        ScorerVersion.validateName(b.name);
        if (b.source == null || b.source.isBlank()) {
            throw new InvalidInputException("Python scorer '" + b.name + "' has no source");
        }
        this.name = b.name;
        this.source = b.source;
        this.isolation = b.isolation;
        this.sandbox = b.sandbox == null ? PythonSandbox.shared() : b.sandbox;
        Analysis analysis = sandbox.runtime(isolation).analyze(name, source, b.entryPoint);
        this.entryPoint = analysis.entryPoint();
        this.sessionLevel = analysis.parameters().contains("session");
        if (b.sessionLevel != null && b.sessionLevel != sessionLevel) {
            throw new InvalidInputException("Python scorer '" + name + "': its definition says "
                    + SESSION_LEVEL_KEY + "=" + b.sessionLevel + " but its function "
                    + (sessionLevel ? "takes 'session' (a session scorer)" : "does not take 'session' (a trace scorer)"));
        }
        List<String> aggregationNames = b.aggregations != null ? b.aggregations : analysis.aggregations();
        List<Aggregation> aggs = new ArrayList<>();
        if (aggregationNames == null) {
            aggs.add(Aggregation.MEAN);
        } else {
            for (String a : aggregationNames) {
                aggs.add(Aggregation.named(a));
            }
        }
        this.aggregations = List.copyOf(aggs);
        this.code = new ScorerCode(IDS.incrementAndGet(), name, source, entryPoint);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("source", source);
        config.put("entry_point", entryPoint);
        config.put("aggregations", aggregations.stream().map(Aggregation::name).toList());
        config.put("isolation", isolation.wireName());
        if (sessionLevel) {
            config.put(SESSION_LEVEL_KEY, true);
        }
        this.definition = new ScorerDefinition(KIND, config);
    }

    /**
     * @param name the registered name
     * @param source Python source defining the scorer function
     * @return the scorer, run in-process in the {@linkplain PythonSandbox#shared() shared sandbox}
     * @throws PythonSourceException if the source does not compile or load
     */
    public static PythonScorer fromSource(String name, String source) {
        return builder().name(name).source(source).build();
    }

    /**
     * @param name the registered name
     * @param source Python source defining the scorer function
     * @param isolation where it runs
     * @return the scorer, in the shared sandbox
     * @throws PythonSourceException if the source does not compile or load
     */
    public static PythonScorer fromSource(String name, String source, Isolation isolation) {
        return builder().name(name).source(source).isolation(isolation).build();
    }

    /**
     * Imports a scorer MLflow serialised ({@code Scorer.model_dump()} of a {@code @scorer} function): its
     * {@code call_source} (the body), {@code call_signature} and {@code original_func_name}, and {@code aggregations}.
     *
     * @param name the registered name, or null to take the serialised {@code name}
     * @param serialized the serialised scorer as a JSON object
     * @return a builder holding the rebuilt source (choose isolation and sandbox, then build)
     * @throws InvalidInputException if a field is missing
     */
    public static Builder fromMlflow(String name, Map<String, ?> serialized) {
        Object body = serialized.get("call_source");
        Object signature = serialized.get("call_signature");
        Object func = serialized.get("original_func_name");
        if (!(body instanceof String) || !(signature instanceof String) || !(func instanceof String)) {
            throw new InvalidInputException("an MLflow serialised scorer needs the strings call_source, "
                    + "call_signature and original_func_name (only @scorer functions can be imported; built-in "
                    + "judges are registered as judge scorers)");
        }
        StringBuilder src = new StringBuilder()
                .append("from mlflow.entities import Feedback, AssessmentSource, AssessmentError, Expectation\n")
                .append("def ").append(func).append(signature).append(":\n");
        for (String line : ((String) body).split("\n", -1)) {
            src.append("    ").append(line).append('\n');
        }
        Builder b = builder().name(name != null ? name : String.valueOf(serialized.get("name")))
                .source(src.toString()).entryPoint((String) func);
        if (serialized.get("aggregations") instanceof List<?> aggs) {
            List<String> names = new ArrayList<>();
            for (Object a : aggs) {
                if (!(a instanceof String s)) {
                    throw new InvalidInputException("aggregation " + a + " is not a name: only the built-in "
                            + "aggregations (mean, min, max, median, variance, p90) can be imported");
                }
                names.add(s);
            }
            b.aggregations(names);
        }
        return b;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the Python source */
    public String pythonSource() {
        return source;
    }

    /** @return the name of the scorer function in the source */
    public String entryPoint() {
        return entryPoint;
    }

    /** @return where it runs */
    public Isolation isolation() {
        return isolation;
    }

    /** @return active, or quarantined with the reason */
    public ScorerStatus status() {
        return status.get();
    }

    @Override
    public List<Aggregation> aggregations() {
        return aggregations;
    }

    @Override
    public ScorerDefinition definition() {
        return definition;
    }

    /** @return CODE with the scorer's name, on trace and session feedback alike */
    @Override
    public AssessmentSource source() {
        return AssessmentSource.code(name);
    }

    /**
     * @return true if the scorer's function takes {@code session}: it scores whole sessions
     *     ({@link #scoreSession}), not single traces
     */
    @Override
    public boolean sessionLevel() {
        return sessionLevel;
    }

    /**
     * Scores one trace. A session scorer records a {@value #MISSING_INPUT} error saying it needs a session.
     *
     * @param input inputs, outputs, expectations and the trace
     * @return Boolean, Long, Double, String, Feedback, a list of Feedback, or null
     */
    @Override
    public Object score(ScorerInput input) {
        if (sessionLevel) {
            return Feedback.error(new AssessmentError(MISSING_INPUT, "Python scorer '" + name + "' takes 'session': "
                    + "it scores whole sessions (multi-turn), not single traces", null));
        }
        return run(() -> sandbox.runtime(isolation).call(code, input, this::quarantine));
    }

    /**
     * Scores one session: the function is called with {@code session}, the session's traces in turn order. A trace
     * scorer records a {@value #MISSING_INPUT} error saying it needs a trace.
     *
     * @param session the session
     * @return Boolean, Long, Double, String, Feedback, a list of Feedback, or null
     */
    @Override
    public Object scoreSession(Session session) {
        if (!sessionLevel) {
            return Feedback.error(new AssessmentError(MISSING_INPUT, "Python scorer '" + name + "' scores single "
                    + "traces: its function does not take 'session', so it cannot score session "
                    + session.sessionId(), null));
        }
        return run(() -> sandbox.runtime(isolation).callSession(code, session.traces(), this::quarantine));
    }

    private Object run(Supplier<Outcome> call) {
        ScorerStatus s = status.get();
        if (s.isQuarantined()) {
            return Feedback.error(new AssessmentError(QUARANTINED, s.reason(), null));
        }
        Outcome outcome = call.get();
        if (outcome.overrun()) {
            int n = overruns.incrementAndGet();
            int limit = sandbox.settings().quarantineAfterOverruns();
            if (n >= limit) {
                quarantine("scorer '" + name + "' overran its budget " + n + " times in a row; last: "
                        + (outcome.result() instanceof Feedback f && f.error() != null ? f.error().message() : "?"));
            }
        } else if (overruns.get() != 0) {
            overruns.set(0);
        }
        return outcome.result();
    }

    private void quarantine(String reason) {
        status.compareAndSet(ScorerStatus.ACTIVE, ScorerStatus.quarantined(reason));
    }

    /** Two Python scorers are equal when their names and definitions are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PythonScorer p && p.name.equals(name) && p.definition.equals(definition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, definition);
    }

    @Override
    public String toString() {
        return "PythonScorer[" + name + ", " + entryPoint + ", " + isolation.wireName()
                + (sessionLevel ? ", session" : "") + "]";
    }

    /** Builds a {@link PythonScorer}: {@link #build()} compiles and loads the source. */
    public static final class Builder {
        private String name;
        private String source;
        private String entryPoint;
        private List<String> aggregations;
        private Isolation isolation = Isolation.IN_PROCESS;
        private PythonSandbox sandbox;
        private Boolean sessionLevel;

        private Builder() {}

        /** @param v the registered name (1–256 characters) @return this */
        public Builder name(String v) {
            ScorerVersion.validateName(v);
            this.name = v;
            return this;
        }

        /** @param v the Python source @return this */
        public Builder source(String v) {
            this.source = Objects.requireNonNull(v, "source");
            return this;
        }

        /** @param v the function to call, or null to find the {@code @scorer} function @return this */
        public Builder entryPoint(String v) {
            this.entryPoint = v == null || v.isBlank() ? null : v;
            return this;
        }

        /** @param v aggregation names, overriding the decorator's; null to keep them @return this */
        public Builder aggregations(List<String> v) {
            if (v != null) {
                v.forEach(Aggregation::named);
            }
            this.aggregations = v == null ? null : List.copyOf(v);
            return this;
        }

        /** @param v where it runs @return this */
        public Builder isolation(Isolation v) {
            this.isolation = Objects.requireNonNull(v, "isolation");
            return this;
        }

        /**
         * @param v what a stored definition says of the level (checked against the signature when built), or
         *     null to take it from the signature
         * @return this
         */
        Builder expectSessionLevel(Boolean v) {
            this.sessionLevel = v;
            return this;
        }

        /** @param v the sandbox, or null for the shared one @return this */
        public Builder sandbox(PythonSandbox v) {
            this.sandbox = v;
            return this;
        }

        /**
         * @return the scorer
         * @throws PythonSourceException if the source does not compile or load
         */
        public PythonScorer build() {
            if (name == null) {
                throw new InvalidInputException("a Python scorer needs a name");
            }
            return new PythonScorer(this);
        }
    }
}
