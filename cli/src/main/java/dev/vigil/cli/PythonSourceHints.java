package dev.vigil.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to do instead, when a Python file given to {@code scorers register --python} cannot be loaded because it is
 * an MLflow management script rather than a scorer: built-in judges, {@code list_scorers}, backfill, archival.
 */
final class PythonSourceHints {
    private static final Pattern JUDGE = Pattern.compile("\\b(Safety|Guidelines|Correctness|RelevanceToQuery|"
            + "RetrievalGroundedness|RetrievalRelevance|RetrievalSufficiency|ExpectationsGuidelines|Completeness|"
            + "Fluency|ToolCallCorrectness|ToolCallEfficiency|UserFrustration|ConversationCompleteness|"
            + "ConversationalSafety|KnowledgeRetention|ConversationalToolCallEfficiency|ConversationalRoleAdherence|"
            + "ConversationalGuidelines)\\s*\\(");
    private static final Pattern MANAGE = Pattern.compile("\\b(list_scorers|get_scorer|delete_scorer)\\s*\\(");

    private PythonSourceHints() {}

    /**
     * @param source the Python source that failed to load
     * @param message the load error
     * @return one line saying what to do with Vigil, or null if there is nothing better to say than the error
     */
    static String hint(String source, String message) {
        if (message.contains("several @scorer functions")) {
            return "choose one with --entry-point FUNCTION (register each under its own name)";
        }
        Matcher judge = JUDGE.matcher(source);
        if (judge.find()) {
            String kind = switch (judge.group(1)) {
                case "RelevanceToQuery" -> "relevance";
                case "RetrievalGroundedness" -> "groundedness";
                case "RetrievalSufficiency" -> "sufficiency";
                case "RetrievalRelevance" -> "retrieval-relevance";
                case "ToolCallCorrectness" -> "tool-correctness";
                case "ToolCallEfficiency" -> "tool-efficiency";
                case "ConversationalToolCallEfficiency" -> "conversational-tool-efficiency";
                // the rest by name: UserFrustration -> user-frustration, ConversationalSafety -> ...
                default -> judge.group(1).replaceAll("(?<=[a-z])(?=[A-Z])", "-").toLowerCase(Locale.ROOT);
            };
            String extra = kind.endsWith("guidelines") && !kind.startsWith("expectations")
                    ? " --guidelines \"The response must be in English\"" : "";
            return "built-in judges need no Python: vigil scorers register NAME --judge " + kind + extra
                    + " [--model URI] [--start --sample-rate RATE]";
        }
        if (source.contains("backfill_scorers")) {
            return "backfill with: vigil backfill --scorer NAME --from 7d (see vigil backfill --help)";
        }
        if (source.contains("trace_archival")) {
            return "archive traces with: vigil archive (see vigil archive --help)";
        }
        if (MANAGE.matcher(source).find()) {
            return "manage scorers with: vigil scorers list | get NAME | update NAME | stop NAME | delete NAME";
        }
        return null;
    }
}
