package dev.vigil.judges;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports MLflow's serialized LLM judges ({@code Scorer.model_dump()} / what {@code scorer.register()} stores):
 * built-in judges ({@code builtin_scorer_class} + {@code builtin_scorer_pydantic_data}), the conversation judges
 * (UserFrustration, ConversationalGuidelines...) included, and {@code make_judge}
 * judges ({@code instructions_judge_pydantic_data}). A decorator scorer ({@code call_source}) is Python code: import
 * it with {@code PythonScorer.fromMlflow}. Errors name the field that is wrong and what is allowed.
 */
public final class MlflowJudges {
    private MlflowJudges() {}

    /** MLflow's built-in judge classes Vigil implements, by class name. */
    static final Map<String, String> BUILT_IN = Map.ofEntries(Map.entry("Safety", "safety"),
            Map.entry("RelevanceToQuery", "relevance_to_query"), Map.entry("Correctness", "correctness"),
            Map.entry("RetrievalGroundedness", "retrieval_groundedness"),
            Map.entry("RetrievalRelevance", "retrieval_relevance"),
            Map.entry("RetrievalSufficiency", "retrieval_sufficiency"), Map.entry("Guidelines", "guidelines"),
            Map.entry("ExpectationsGuidelines", "expectations_guidelines"), Map.entry("Completeness", "completeness"),
            Map.entry("Fluency", "fluency"), Map.entry("ToolCallCorrectness", "tool_call_correctness"),
            Map.entry("ToolCallEfficiency", "tool_call_efficiency"),
            Map.entry("UserFrustration", "user_frustration"),
            Map.entry("ConversationCompleteness", "conversation_completeness"),
            Map.entry("ConversationalSafety", "conversational_safety"),
            Map.entry("KnowledgeRetention", "knowledge_retention"),
            Map.entry("ConversationalToolCallEfficiency", "conversational_tool_call_efficiency"),
            Map.entry("ConversationalGuidelines", "conversational_guidelines"),
            Map.entry("ConversationalRoleAdherence", "conversational_role_adherence"));

    /**
     * @param json an MLflow serialized scorer (JSON object)
     * @return true if it is a judge this class imports (built-in or {@code make_judge}), false for a decorator scorer
     */
    public static boolean isJudge(String json) {
        Map<String, Object> m = object(json);
        return m.get("builtin_scorer_class") != null || m.get("instructions_judge_pydantic_data") != null;
    }

    /**
     * @param json an MLflow serialized built-in or {@code make_judge} judge
     * @return a builder for the judge, named and with the model the payload names (if any); the caller may set a
     *     runtime or override the model before {@code build()}
     * @throws InvalidInputException naming the field that is missing, mistyped or unknown
     */
    public static LlmJudge.Builder fromMlflow(String json) {
        Map<String, Object> m = object(json);
        LlmJudge.Builder b = judge(m);
        List<String> aggregations = aggregations(m.get("aggregations"));
        return aggregations == null ? b : b.aggregations(aggregations);
    }

    /** MLflow's serialized {@code aggregations}: null or a list of built-in names (callables do not serialize). */
    private static List<String> aggregations(Object raw) {
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof List<?> list)) {
            throw new InvalidInputException("serialized scorer \"aggregations\" must be null or a list of names"
                    + " (mean, min, max, median, variance, p90), got " + Json.write(raw));
        }
        if (list.isEmpty()) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new InvalidInputException("serialized scorer \"aggregations\" holds " + Json.write(o)
                        + "; only the built-in names serialize (mean, min, max, median, variance, p90)");
            }
            out.add(s);
        }
        return out;
    }

    private static LlmJudge.Builder judge(Map<String, Object> m) {
        String name = string(m, "name", "serialized scorer", false);
        if (m.get("builtin_scorer_class") != null) {
            String cls = string(m, "builtin_scorer_class", "serialized scorer", true);
            Map<String, Object> data = m.get("builtin_scorer_pydantic_data") == null ? Map.of()
                    : map(m.get("builtin_scorer_pydantic_data"), "builtin_scorer_pydantic_data");
            String kind = BUILT_IN.get(cls);
            if (kind == null) {
                throw new InvalidInputException("builtin_scorer_class '" + cls + "' is not a built-in judge Vigil "
                        + "implements; allowed: " + String.join(", ", BUILT_IN.keySet().stream().sorted().toList()));
            }
            String given = orDefault(string(data, "name", "builtin_scorer_pydantic_data", false), name);
            LlmJudge.Builder b = switch (kind) {
                case "guidelines" -> Judges.guidelines(given, guidelines(data.get("guidelines")));
                case "conversational_guidelines" -> Judges.conversationalGuidelines(given,
                        guidelines(data.get("guidelines")));
                default -> builtIn(kind);
            };
            String judgeName = orDefault(string(data, "name", "builtin_scorer_pydantic_data", false), name);
            if (judgeName != null) {
                b.name(judgeName);
            }
            String model = string(data, "model", "builtin_scorer_pydantic_data", false);
            return model == null ? b : b.model(model);
        }
        if (m.get("instructions_judge_pydantic_data") != null) {
            Map<String, Object> data = map(m.get("instructions_judge_pydantic_data"), "instructions_judge_pydantic_data");
            String instructions = string(data, "instructions", "instructions_judge_pydantic_data", true);
            Object type = data.get("feedback_value_type");
            String judgeName = orDefault(string(data, "name", "instructions_judge_pydantic_data", false), name);
            if (judgeName == null) {
                throw new InvalidInputException("a make_judge payload needs a \"name\"");
            }
            LlmJudge.Builder b = type instanceof List<?> labels
                    ? Judges.template(judgeName, instructions, labels(labels))
                    : Judges.template(judgeName, instructions, valueType(type));
            String model = string(data, "model", "instructions_judge_pydantic_data", false);
            return model == null ? b : b.model(model);
        }
        if (m.get("call_source") != null) {
            throw new InvalidInputException("this serialized scorer is a decorator scorer (\"call_source\"): it is "
                    + "Python code, import it with PythonScorer.fromMlflow");
        }
        throw new InvalidInputException("not an MLflow serialized judge: expected \"builtin_scorer_class\" or "
                + "\"instructions_judge_pydantic_data\" (or \"call_source\" for a decorator scorer)");
    }

    private static LlmJudge.Builder builtIn(String kind) {
        return switch (kind) {
            case "safety" -> Judges.safety();
            case "relevance_to_query" -> Judges.relevanceToQuery();
            case "correctness" -> Judges.correctness();
            case "retrieval_groundedness" -> Judges.retrievalGroundedness();
            case "retrieval_relevance" -> Judges.retrievalRelevance();
            case "retrieval_sufficiency" -> Judges.retrievalSufficiency();
            case "expectations_guidelines" -> Judges.expectationsGuidelines();
            case "completeness" -> Judges.completeness();
            case "fluency" -> Judges.fluency();
            case "tool_call_correctness" -> Judges.toolCallCorrectness();
            case "tool_call_efficiency" -> Judges.toolCallEfficiency();
            case "user_frustration" -> Judges.userFrustration();
            case "conversation_completeness" -> Judges.conversationCompleteness();
            case "conversational_safety" -> Judges.conversationalSafety();
            case "knowledge_retention" -> Judges.knowledgeRetention();
            case "conversational_tool_call_efficiency" -> Judges.conversationalToolCallEfficiency();
            case "conversational_role_adherence" -> Judges.conversationalRoleAdherence();
            default -> throw new IllegalStateException("no builder for built-in judge kind " + kind);
        };
    }

    /** MLflow's {@code Guidelines.guidelines}: one string or a list of strings. */
    private static List<String> guidelines(Object g) {
        if (g instanceof String s && !s.isBlank()) {
            return List.of(s);
        }
        if (g instanceof List<?> list && !list.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new InvalidInputException("builtin_scorer_pydantic_data.guidelines must hold strings, got "
                            + (o == null ? "null" : Json.write(o)));
                }
                out.add(s);
            }
            return out;
        }
        throw new InvalidInputException("builtin_scorer_pydantic_data.guidelines must be a non-empty string or list "
                + "of strings, got " + (g == null ? "nothing" : Json.write(g)));
    }

    private static List<String> labels(List<?> labels) {
        List<String> out = new ArrayList<>();
        for (Object o : labels) {
            if (!(o instanceof String s)) {
                throw new InvalidInputException("instructions_judge_pydantic_data.feedback_value_type labels must be "
                        + "strings, got " + (o == null ? "null" : Json.write(o)));
            }
            out.add(s);
        }
        return out;
    }

    /** MLflow writes the feedback value type as a Python type name; absent means a boolean verdict. */
    private static Judges.ValueType valueType(Object t) {
        if (t == null) {
            return Judges.ValueType.BOOL;
        }
        if (!(t instanceof String s)) {
            throw new InvalidInputException("instructions_judge_pydantic_data.feedback_value_type must be a type "
                    + "name or a list of labels, got " + Json.write(t));
        }
        return switch (s.toLowerCase(Locale.ROOT).replace("<class '", "").replace("'>", "")) {
            case "bool", "boolean" -> Judges.ValueType.BOOL;
            case "int", "float", "number", "integer" -> Judges.ValueType.NUMBER;
            case "str", "string" -> Judges.ValueType.STRING;
            default -> throw new InvalidInputException("instructions_judge_pydantic_data.feedback_value_type '" + s
                    + "' is not supported; allowed: bool, int, float, str, or a list of labels");
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (RuntimeException e) {
            throw new InvalidInputException("an MLflow serialized scorer must be JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new InvalidInputException("an MLflow serialized scorer is a JSON object");
        }
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object v, String field) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new InvalidInputException("\"" + field + "\" must be a JSON object, got " + Json.write(v));
        }
        return (Map<String, Object>) m;
    }

    private static String string(Map<String, Object> m, String field, String where, boolean required) {
        Object v = m.get(field);
        if (v == null) {
            if (required) {
                throw new InvalidInputException(where + " needs \"" + field + "\"");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new InvalidInputException(where + "." + field + " must be a string, got " + Json.write(v));
        }
        return s;
    }

    private static String orDefault(String a, String b) {
        return a != null ? a : b;
    }
}
