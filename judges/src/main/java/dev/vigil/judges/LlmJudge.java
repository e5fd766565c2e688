package dev.vigil.judges;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.judges.internal.AnswerParser;
import dev.vigil.judges.internal.CustomPromptSpec;
import dev.vigil.judges.internal.JudgeSpec;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.session.SessionScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An LLM judge: a {@link Scorer} that asks a judge model (named by URI, e.g. {@code openai:/gpt-4o-mini} or
 * {@code databricks:/databricks-gpt-oss-20b}) and returns MLflow-style feedback — {@code "yes"}/{@code "no"}
 * (or the judge's own value type) with the model's rationale, source {@code LLM_JUDGE} with the model URI.
 * Retrieval judges return one feedback per top-level RETRIEVER span, carrying its span id.
 *
 * <p>A provider failure, and an answer with no readable verdict, is thrown as a {@link JudgeException} with its
 * {@link FailureKind}: the engine's single reliability layer retries it, defers it, pauses the scorer or records an
 * error assessment (never a default value). Only a trace that lacks what the judge needs becomes an error
 * feedback here ({@code MISSING_INPUT}). Accounting (tokens, latency, cost, cache) goes into the feedback
 * metadata under {@code vigil.judge.*}.
 *
 * <p>Made by {@link Judges}; stored as a {@link ScorerDefinition} of kind {@value #KIND} and rebuilt, equal, by
 * {@link JudgeCodec}. Immutable and thread-safe; equality is the name and the definition.
 */
public final class LlmJudge implements Scorer, SessionScorer {

    /** The scorer kind of every LLM judge. */
    public static final String KIND = "judge";
    /** Metadata: the model URI. */
    public static final String META_MODEL = "vigil.judge.model";
    /** Metadata: input tokens. */
    public static final String META_INPUT_TOKENS = dev.vigil.core.metrics.JudgeUsage.INPUT_TOKENS;
    /** Metadata: output tokens. */
    public static final String META_OUTPUT_TOKENS = dev.vigil.core.metrics.JudgeUsage.OUTPUT_TOKENS;
    /** Metadata: wall time of the answered call in milliseconds. */
    public static final String META_LATENCY_MS = "vigil.judge.latency_ms";
    /** Metadata: the cost in USD, when the price table knows the model. */
    public static final String META_COST_USD = dev.vigil.core.metrics.JudgeUsage.COST_USD;
    /** Metadata: {@code true} when answered from the cache. */
    public static final String META_CACHED = "vigil.judge.cached";
    /** Metadata: the chosen label of a custom prompt judge. */
    public static final String META_LABEL = CustomPromptSpec.LABEL;

    private final String name;
    private final String modelUri;
    private final JudgeSpec spec;
    private final Map<String, Object> parameters;
    private final JudgeRuntime runtime;
    private final ScorerDefinition definition;
    private final List<Aggregation> aggregations;
    private final AssessmentSource source;
    // Per judge, not per call: the answer schema and its wording never change.
    private final Map<String, Object> schema;
    private final String instruction;

    private LlmJudge(Builder b, JudgeRuntime runtime, String modelUri) {
        this.name = b.name == null ? b.spec.defaultName() : b.name;
        this.spec = b.spec;
        this.runtime = runtime;
        this.modelUri = modelUri;
        this.parameters = frozen(b.parameters);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("judge", spec.kind());
        config.put("model", modelUri);
        config.putAll(spec.config());
        if (!parameters.isEmpty()) {
            config.put("parameters", parameters);
        }
        this.aggregations = b.aggregations == null ? List.of(Aggregation.MEAN) : b.aggregations;
        if (b.aggregations != null) {
            config.put("aggregations", aggregations.stream().map(Aggregation::name).toList());
        }
        this.definition = new ScorerDefinition(KIND, config);
        this.source = AssessmentSource.llmJudge(modelUri);
        this.schema = frozen(spec.format().schema());
        this.instruction = spec.format().instruction();
    }

    // Frozen once, so the JudgeRequest of every call shares them instead of copying them (Json.freeze keeps frozen values).
    @SuppressWarnings("unchecked")
    private static Map<String, Object> frozen(Map<String, Object> map) {
        return (Map<String, Object>) Json.freeze(map);
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the judge model URI */
    public String modelUri() {
        return modelUri;
    }

    /** @return the judge's kind, e.g. {@code safety}, {@code guidelines}, {@code custom_prompt}, {@code template} */
    public String judgeKind() {
        return spec.kind();
    }

    @Override
    public ScorerDefinition definition() {
        return definition;
    }

    /** @return how this judge's values are summarised (MLflow's {@code aggregations}); {@code mean} by default */
    @Override
    public List<Aggregation> aggregations() {
        return aggregations;
    }

    @Override
    public AssessmentSource source() {
        return source;
    }

    @Override
    public Workload workload() {
        return Workload.IO;
    }

    /**
     * Makes the judge's model now, so a missing key or host shows at configuration time instead of as error
     * feedback on the first trace.
     *
     * @return this
     * @throws InvalidInputException saying what to set
     */
    public LlmJudge check() {
        runtime.check(modelUri);
        return this;
    }

    /**
     * @param input inputs, outputs, expectations and the trace
     * @return a {@link Feedback}, or a list of them for the retrieval judges
     * @throws JudgeException when the provider fails or its answer has no readable verdict
     */
    @Override
    public Object score(ScorerInput input) {
        return answer(() -> spec.questions(input), spec.perSpan());
    }

    /** @return true if this judge judges whole sessions (a conversation judge, or a template using {@code {{ conversation }}}) */
    @Override
    public boolean sessionLevel() {
        return spec.sessionLevel();
    }

    /**
     * Judges a whole conversation: the conversation judges and templates using {@code {{ conversation }}}. A judge
     * of single traces records a {@code MISSING_INPUT} error saying so.
     *
     * @param session the session's traces, in turn order
     * @return a {@link Feedback}
     * @throws JudgeException when the provider fails or its answer has no readable verdict
     */
    @Override
    public Object scoreSession(Session session) {
        return answer(() -> spec.questions(session), false);
    }

    /** The questions of one input, or what it lacks. */
    private interface Questions {
        List<JudgeSpec.Question> get() throws JudgeSpec.MissingInputException;
    }

    private Object answer(Questions asked, boolean listOnMissing) {
        List<JudgeSpec.Question> questions;
        try {
            questions = asked.get();
        } catch (JudgeSpec.MissingInputException e) {
            Feedback f = error("MISSING_INPUT", e.getMessage(), null, Map.of(META_MODEL, modelUri));
            return listOnMissing ? List.of(f) : f;
        }
        List<Feedback> answered = new ArrayList<>(questions.size());
        for (JudgeSpec.Question q : questions) {
            answered.add(ask(q));
        }
        List<Feedback> out = spec.combine(answered, name);
        return !spec.perSpan() && out.size() == 1 ? out.get(0) : List.copyOf(out);
    }

    private Feedback ask(JudgeSpec.Question q) {
        JudgeRequest request = new JudgeRequest(JudgeSpec.SYSTEM_PROMPT, q.prompt() + instruction, schema, parameters);
        Map<String, String> md = new LinkedHashMap<>(q.metadata());
        md.put(META_MODEL, modelUri);
        JudgeOutcome outcome;
        try {
            outcome = runtime.complete(modelUri, request);
        } catch (InvalidInputException e) {
            return error("CONFIG", e.getMessage(), q.spanId(), md);
        }
        md.put(META_LATENCY_MS, Long.toString(outcome.latency().toMillis()));
        md.put(META_CACHED, Boolean.toString(outcome.cached()));
        var response = outcome.response();
        if (response.inputTokens() >= 0) {
            md.put(META_INPUT_TOKENS, Long.toString(response.inputTokens()));
        }
        if (response.outputTokens() >= 0) {
            md.put(META_OUTPUT_TOKENS, Long.toString(response.outputTokens()));
        }
        outcome.cost().ifPresent(c -> md.put(META_COST_USD, String.format(java.util.Locale.ROOT, "%.8f", c)));
        ObjectNode answer;
        try {
            answer = AnswerParser.parse(response.text());
        } catch (AnswerParser.ParseFailure e) {
            throw new JudgeException(FailureKind.UNPARSEABLE, modelUri + ": " + e.getMessage());
        }
        JsonNode rationaleNode = answer.get("rationale");
        String rationale = rationaleNode == null || rationaleNode.isNull() ? null
                : rationaleNode.isTextual() ? rationaleNode.asText() : Json.write(Json.fromNode(rationaleNode));
        Object value;
        try {
            value = spec.format().value(answer.get("result"));
        } catch (IllegalArgumentException e) {
            throw new JudgeException(FailureKind.UNPARSEABLE, modelUri + ": " + e.getMessage()
                    + (rationale == null ? "" : " (rationale: " + rationale + ")"));
        }
        if (spec instanceof CustomPromptSpec custom) {
            md.put(META_LABEL, (String) value);
            value = custom.valueOf((String) value);
        }
        return new Feedback(name, value, null, rationale, md, q.spanId(), source);
    }

    private Feedback error(String code, String message, String spanId, Map<String, String> md) {
        return new Feedback(name, null, AssessmentError.of(code, message), null, md, spanId, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LlmJudge other && name.equals(other.name) && definition.equals(other.definition);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, definition);
    }

    @Override
    public String toString() {
        return "LlmJudge[" + name + ", " + spec.kind() + ", " + modelUri + "]";
    }

    static Builder builder(JudgeSpec spec) {
        return new Builder(spec);
    }

    /** Builds an {@link LlmJudge}; start from {@link Judges}. */
    public static final class Builder {
        private final JudgeSpec spec;
        private String name;
        private String model;
        private JudgeRuntime runtime;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private List<Aggregation> aggregations;

        private Builder(JudgeSpec spec) {
            this.spec = spec;
        }

        /** @param n the scorer name (1–256 characters; the judge's kind by default) @return this */
        public Builder name(String n) {
            if (n == null || n.isBlank() || n.length() > 256) {
                throw new InvalidInputException("a judge name must be 1–256 characters, got '" + n + "'");
            }
            this.name = n;
            return this;
        }

        /** @param modelUri the judge model, e.g. {@code databricks:/databricks-gpt-oss-20b} @return this */
        public Builder model(String modelUri) {
            this.model = modelUri;
            return this;
        }

        /** @param r the runtime to call through ({@link JudgeRuntime#shared()} by default) @return this */
        public Builder runtime(JudgeRuntime r) {
            this.runtime = Objects.requireNonNull(r, "runtime");
            return this;
        }

        /**
         * @param key a model parameter sent with every call, e.g. {@code temperature}, {@code max_tokens}
         * @param value a JSON value
         * @return this
         */
        public Builder parameter(String key, Object value) {
            parameters.put(Objects.requireNonNull(key, "key"), Json.freeze(Objects.requireNonNull(value, key)));
            return this;
        }

        /**
         * @param names how the judge's values are summarised, as MLflow's {@code aggregations}: {@code mean},
         *     {@code min}, {@code max}, {@code median}, {@code variance}, {@code p90} (at least one, no repeats)
         * @return this
         * @throws InvalidInputException for an unknown or repeated name, or none
         */
        public Builder aggregations(List<String> names) {
            Objects.requireNonNull(names, "names");
            if (names.isEmpty()) {
                throw new InvalidInputException("a judge needs at least one aggregation; allowed: mean, min, max,"
                        + " median, variance, p90");
            }
            List<Aggregation> out = new java.util.ArrayList<>();
            for (String n : names) {
                Aggregation a = Aggregation.named(n);
                if (out.contains(a)) {
                    throw new InvalidInputException("aggregation '" + n + "' is listed twice");
                }
                out.add(a);
            }
            this.aggregations = List.copyOf(out);
            return this;
        }

        /**
         * @return the judge
         * @throws InvalidInputException if no model is given nor configured ({@code VIGIL_JUDGE_MODEL}), or its
         *     scheme is unknown
         */
        public LlmJudge build() {
            JudgeRuntime r = runtime == null ? JudgeRuntime.shared() : runtime;
            return new LlmJudge(this, r, r.resolveModel(model));
        }
    }
}
