package dev.vigil.judges.internal;

import dev.vigil.judges.internal.JudgeSpec.MissingInputException;
import dev.vigil.judges.internal.JudgeSpec.Question;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MLflow's {@code custom_prompt_judge}: a template with {@code {{variables}}} and {@code [[choice]]} categories;
 * the model picks a choice; with {@code numeric_values} the feedback value is the choice's number, else the choice
 * itself; the chosen label is kept in the metadata ({@value #LABEL}).
 *
 * <p>Variables: {@code request} (from the inputs), {@code response} (from the outputs), and every key of the
 * inputs, outputs and expectations when they are maps.
 */
public final class CustomPromptSpec implements JudgeSpec {
    /** The metadata key holding the chosen label. */
    public static final String LABEL = "label";

    private static final Pattern CHOICE = Pattern.compile("\\[\\[([A-Za-z0-9_\\- ]+)]]");
    static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    private final String template;
    private final List<String> choices;
    private final Map<String, Double> numericValues;

    /**
     * @param template the prompt template
     * @param numericValues choice → number, or null
     * @throws InvalidInputException if the template has no choice, or the numeric values' keys differ from the
     *     choices (the message shows the difference)
     */
    public CustomPromptSpec(String template, Map<String, ? extends Number> numericValues) {
        if (template == null || template.isBlank()) {
            throw new InvalidInputException("a custom prompt judge needs a prompt template");
        }
        this.template = template;
        Set<String> found = new LinkedHashSet<>();
        Matcher m = CHOICE.matcher(template);
        while (m.find()) {
            found.add(m.group(1).strip());
        }
        if (found.isEmpty()) {
            throw new InvalidInputException("the prompt template has no choices: mark each category as [[name]],"
                    + " e.g. \"[[formal]]: The response is very formal.\"");
        }
        this.choices = List.copyOf(found);
        if (numericValues == null) {
            this.numericValues = null;
        } else {
            Set<String> missing = new TreeSet<>(found);
            missing.removeAll(numericValues.keySet());
            Set<String> extra = new TreeSet<>(numericValues.keySet());
            extra.removeAll(found);
            if (!missing.isEmpty() || !extra.isEmpty()) {
                throw new InvalidInputException("numeric_values must give a number for exactly the template's choices "
                        + new TreeSet<>(found) + "; missing: " + missing + ", not in the template: " + extra);
            }
            Map<String, Double> nv = new LinkedHashMap<>();
            for (String c : choices) {
                Number n = numericValues.get(c);
                if (n == null || !Double.isFinite(n.doubleValue())) {
                    throw new InvalidInputException("numeric_values[" + c + "] must be a finite number, got " + n);
                }
                nv.put(c, n.doubleValue());
            }
            this.numericValues = java.util.Collections.unmodifiableMap(nv);
        }
    }

    /** @return the choices, in template order */
    public List<String> choices() {
        return choices;
    }

    @Override public String kind() { return "custom_prompt"; }
    @Override public String defaultName() { return "custom_prompt_judge"; }
    @Override public AnswerFormat format() { return AnswerFormat.labels(choices); }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("prompt_template", template);
        if (numericValues != null) {
            c.put("numeric_values", numericValues);
        }
        return c;
    }

    /** @param label the chosen label @return the feedback value: its number, or the label */
    public Object valueOf(String label) {
        return numericValues == null ? label : numericValues.get(label);
    }

    @Override
    public List<Question> questions(ScorerInput input) throws MissingInputException {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("request", TraceContent.request(input.inputs()));
        vars.put("response", TraceContent.response(input.outputs()));
        addAll(vars, input.inputs());
        addAll(vars, input.outputs());
        addAll(vars, input.expectations());
        StringBuilder out = new StringBuilder();
        Matcher m = VARIABLE.matcher(template);
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String v = vars.get(m.group(1));
            if (v == null) {
                missing.add(m.group(1));
                v = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(TraceContent.asData(v)));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new MissingInputException("the prompt template uses " + missing + " but this input gives only "
                    + vars.keySet());
        }
        out.append("\n\nChoose exactly one of the categories ").append(choices)
                .append(" and give its name, without brackets, as the result.\n");
        return List.of(new Question(null, out.toString(), Map.of()));
    }

    private static void addAll(Map<String, String> vars, Object source) {
        if (source instanceof Map<?, ?> map) {
            map.forEach((k, v) -> vars.putIfAbsent(String.valueOf(k), TraceContent.text(v)));
        }
    }
}
