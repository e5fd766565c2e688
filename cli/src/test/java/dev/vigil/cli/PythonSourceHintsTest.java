package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** An MLflow script that builds a built-in judge gets the `--judge` name `vigil scorers register` accepts. */
class PythonSourceHintsTest {

    @Test
    void builtInJudgeClasses_pointAtTheirJudgeNames() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("Safety", "safety"),
                Map.entry("RelevanceToQuery", "relevance"),
                Map.entry("RetrievalGroundedness", "groundedness"),
                Map.entry("ToolCallEfficiency", "tool-efficiency"),
                Map.entry("UserFrustration", "user-frustration"),
                Map.entry("ConversationCompleteness", "conversation-completeness"),
                Map.entry("ConversationalSafety", "conversational-safety"),
                Map.entry("KnowledgeRetention", "knowledge-retention"),
                Map.entry("ConversationalToolCallEfficiency", "conversational-tool-efficiency"),
                Map.entry("ConversationalRoleAdherence", "conversational-role-adherence"),
                Map.entry("ConversationalGuidelines", "conversational-guidelines"));
        expected.forEach((cls, kind) -> {
            String source = "from mlflow.genai.scorers import " + cls + "\njudge = " + cls + "()\n";
            assertThat(PythonSourceHints.hint(source, "no @scorer function"))
                    .as(cls).contains("--judge " + kind + " ").doesNotContain("--judge " + kind + "-");
        });
        assertThat(PythonSourceHints.hint("g = ConversationalGuidelines(guidelines='be kind')", "x"))
                .contains("--guidelines");
    }
}
