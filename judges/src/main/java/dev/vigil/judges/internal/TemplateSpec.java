package dev.vigil.judges.internal;

import dev.vigil.judges.internal.JudgeSpec.MissingInputException;
import dev.vigil.judges.internal.JudgeSpec.Question;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * MLflow's {@code make_judge}: instructions that name what to judge with {@code {{ inputs }}},
 * {@code {{ outputs }}}, {@code {{ expectations }}} and {@code {{ trace }}}, or {@code {{ conversation }}} (no other
 * variable), and a result of a chosen type: bool, number, string or one of a list of labels. The values of the
 * variables used are given to the model in tagged sections after the instructions.
 *
 * <p>A template with {@code {{ conversation }}} makes a session-level judge, as in MLflow: it judges a session's
 * turns (user and assistant messages, in order) and may add only {@code {{ expectations }}} (the valid
 * expectations of the session's traces, later turns winning), not the single-trace variables.
 */
public final class TemplateSpec implements JudgeSpec {
    /** The variables instructions may use. */
    public static final List<String> VARIABLES = List.of("inputs", "outputs", "expectations", "trace",
            "conversation");
    /** The value types. */
    public static final List<String> VALUE_TYPES = List.of("bool", "number", "string", "labels");

    private final String instructions;
    private final AnswerFormat format;
    private final Set<String> used;

    /**
     * @param instructions the instructions
     * @param valueType bool, number, string or labels
     * @param labels the labels for {@code labels}, else null or empty
     * @throws InvalidInputException for an unknown variable or type, no variable, or labels that do not fit
     */
    public TemplateSpec(String instructions, String valueType, List<String> labels) {
        if (instructions == null || instructions.isBlank()) {
            throw new InvalidInputException("a template judge needs instructions");
        }
        Set<String> found = new LinkedHashSet<>();
        Matcher m = CustomPromptSpec.VARIABLE.matcher(instructions);
        while (m.find()) {
            String v = m.group(1);
            if (!VARIABLES.contains(v)) {
                throw new InvalidInputException("template judge instructions may use only {{ inputs }}, {{ outputs }},"
                        + " {{ expectations }}, {{ trace }} and {{ conversation }}; found {{ " + v + " }}");
            }
            found.add(v);
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("template judge instructions must use at least one of {{ inputs }},"
                    + " {{ outputs }}, {{ expectations }}, {{ trace }}, {{ conversation }} to say what to judge");
        }
        if (found.contains("conversation")) {
            List<String> single = found.stream().filter(v -> !v.equals("conversation") && !v.equals("expectations"))
                    .toList();
            if (!single.isEmpty()) {
                throw new InvalidInputException("template judge instructions with {{ conversation }} judge a whole"
                        + " session and may add only {{ expectations }}; found " + single.stream()
                        .map(v -> "{{ " + v + " }}").toList() + " too");
            }
        }
        if (!VALUE_TYPES.contains(valueType)) {
            throw new InvalidInputException("unknown value type '" + valueType + "'; allowed: " + VALUE_TYPES);
        }
        boolean hasLabels = labels != null && !labels.isEmpty();
        if (valueType.equals("labels") != hasLabels) {
            throw new InvalidInputException(valueType.equals("labels")
                    ? "value type labels needs at least one label" : "labels are only for value type labels, got "
                    + labels + " with " + valueType);
        }
        if (hasLabels && (new LinkedHashSet<>(labels).size() != labels.size() || labels.stream().anyMatch(String::isBlank))) {
            throw new InvalidInputException("labels must be distinct and non-blank, got " + labels);
        }
        this.instructions = instructions;
        this.format = hasLabels ? AnswerFormat.labels(labels) : new AnswerFormat(valueType, List.of());
        this.used = Set.copyOf(found);
    }

    @Override public String kind() { return "template"; }
    @Override public String defaultName() { return "template_judge"; }
    @Override public AnswerFormat format() { return format; }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("instructions", instructions);
        c.put("value_type", format.type().equals("labels") ? "labels" : format.type());
        if (format.type().equals("labels")) {
            c.put("labels", format.labels());
        }
        return c;
    }

    @Override
    public boolean sessionLevel() {
        return used.contains("conversation");
    }

    @Override
    public List<Question> questions(Session session) throws MissingInputException {
        if (!sessionLevel()) {
            return JudgeSpec.super.questions(session);
        }
        StringBuilder p = new StringBuilder(instructions.strip()).append("\n\n");
        p.append(TraceContent.section("conversation", Conversation.render(session, false)));
        if (used.contains("expectations")) {
            Map<String, Object> expectations = new LinkedHashMap<>();
            for (var t : session.traces()) {
                expectations.putAll(ScorerInput.of(t).expectations());
            }
            if (expectations.isEmpty()) {
                throw new MissingInputException("the instructions use {{ expectations }} but no trace of session "
                        + session.sessionId() + " has expectations");
            }
            p.append(TraceContent.section("expectations", Json.write(expectations)));
        }
        return List.of(new Question(null, p.toString(), Map.of()));
    }

    @Override
    public List<Question> questions(ScorerInput input) throws MissingInputException {
        if (sessionLevel()) {
            throw new MissingInputException("the instructions use {{ conversation }}: this judge judges a whole"
                    + " session; run it as a session scorer on a session's traces (metadata mlflow.trace.session),"
                    + " not on one trace");
        }
        StringBuilder p = new StringBuilder(instructions.strip()).append("\n\n");
        for (String v : VARIABLES) {
            if (!used.contains(v)) {
                continue;
            }
            String value = switch (v) {
                case "inputs" -> TraceContent.text(input.inputs());
                case "outputs" -> TraceContent.text(input.outputs());
                case "expectations" -> {
                    if (input.expectations().isEmpty()) {
                        throw new MissingInputException("the instructions use {{ expectations }} but the trace has no"
                                + " expectations");
                    }
                    yield Json.write(input.expectations());
                }
                default -> {
                    if (input.trace() == null) {
                        throw new MissingInputException("the instructions use {{ trace }} but this input has no trace");
                    }
                    yield TraceContent.trace(input.trace());
                }
            };
            p.append(TraceContent.section(v, value));
        }
        return List.of(new Question(null, p.toString(), Map.of()));
    }
}
