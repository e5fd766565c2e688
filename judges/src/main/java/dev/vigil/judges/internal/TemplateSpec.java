package dev.vigil.judges.internal;

import dev.vigil.judges.internal.JudgeSpec.MissingInputException;
import dev.vigil.judges.internal.JudgeSpec.Question;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * MLflow's {@code make_judge}: instructions that name what to judge with {@code {{ inputs }}},
 * {@code {{ outputs }}}, {@code {{ expectations }}} and {@code {{ trace }}} (no other variable), and a result of a
 * chosen type: bool, number, string or one of a list of labels. The values of the variables used are given to the
 * model in tagged sections after the instructions.
 */
public final class TemplateSpec implements JudgeSpec {
    /** The variables instructions may use. */
    public static final List<String> VARIABLES = List.of("inputs", "outputs", "expectations", "trace");
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
                        + " {{ expectations }} and {{ trace }}; found {{ " + v + " }}");
            }
            found.add(v);
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("template judge instructions must use at least one of {{ inputs }},"
                    + " {{ outputs }}, {{ expectations }}, {{ trace }} to say what to judge");
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
    public List<Question> questions(ScorerInput input) throws MissingInputException {
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
