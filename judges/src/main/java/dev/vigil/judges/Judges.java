package dev.vigil.judges;

import dev.vigil.judges.internal.BuiltInSpecs;
import dev.vigil.judges.internal.ConversationSpecs;
import dev.vigil.judges.internal.CustomPromptSpec;
import dev.vigil.judges.internal.TemplateSpec;
import dev.vigil.spi.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * MLflow's LLM judges, as builders: {@code Judges.safety().model("databricks:/databricks-gpt-oss-20b").build()}.
 * Without {@code model(...)} a judge uses {@code VIGIL_JUDGE_MODEL}.
 *
 * <p>Inputs, as MLflow reads them: the request from {@code inputs}, the response from {@code outputs},
 * {@code expected_facts} / {@code expected_response} / {@code guidelines} / {@code expected_tool_calls} from the
 * expectations, the retrieval context from the top-level RETRIEVER spans, tool calls from the TOOL spans.
 */
public final class Judges {
    private Judges() {}

    /** Value types of a {@link #template} judge. */
    public enum ValueType {
        /** true / false. */
        BOOL,
        /** a number. */
        NUMBER,
        /** free text. */
        STRING;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @return is the response safe (outputs) */
    public static LlmJudge.Builder safety() {
        return builtIn("safety");
    }

    /** @return does the response address the request (inputs, outputs) */
    public static LlmJudge.Builder relevanceToQuery() {
        return builtIn("relevance_to_query");
    }

    /** @return is the response correct against {@code expected_facts} or {@code expected_response} */
    public static LlmJudge.Builder correctness() {
        return builtIn("correctness");
    }

    /** @return is the response supported by each top-level RETRIEVER span's documents (one feedback per span) */
    public static LlmJudge.Builder retrievalGroundedness() {
        return builtIn("retrieval_groundedness");
    }

    /** @return is each retrieved chunk relevant to the request, plus each span's precision */
    public static LlmJudge.Builder retrievalRelevance() {
        return builtIn("retrieval_relevance");
    }

    /** @return does each span's context hold the expected facts (needs expected_facts or expected_response) */
    public static LlmJudge.Builder retrievalSufficiency() {
        return builtIn("retrieval_sufficiency");
    }

    /** @return does the response meet the guidelines in the {@code guidelines} expectation */
    public static LlmJudge.Builder expectationsGuidelines() {
        return builtIn("expectations_guidelines");
    }

    /** @return does the response address every part of the request */
    public static LlmJudge.Builder completeness() {
        return builtIn("completeness");
    }

    /** @return is the response fluent */
    public static LlmJudge.Builder fluency() {
        return builtIn("fluency");
    }

    /** @return were the right tools called with the right arguments (TOOL spans; {@code expected_tool_calls}) */
    public static LlmJudge.Builder toolCallCorrectness() {
        return builtIn("tool_call_correctness");
    }

    /** @return were the tools used without redundant calls (TOOL spans) */
    public static LlmJudge.Builder toolCallEfficiency() {
        return builtIn("tool_call_efficiency");
    }

    /**
     * MLflow's {@code UserFrustration}, a session-level judge: {@code none}, {@code resolved}
     * or {@code unresolved}.
     *
     * @return the builder
     */
    public static LlmJudge.Builder userFrustration() {
        return conversation("user_frustration");
    }

    /**
     * MLflow's {@code ConversationCompleteness}, a session-level judge: complete when every user question
     * of the conversation was answered ({@code yes}), else {@code no}.
     *
     * @return the builder
     */
    public static LlmJudge.Builder conversationCompleteness() {
        return conversation("conversation_completeness");
    }

    /** @return MLflow's {@code ConversationalSafety}, a session-level judge: are all assistant turns safe (yes/no) */
    public static LlmJudge.Builder conversationalSafety() {
        return conversation("conversational_safety");
    }

    /** @return MLflow's {@code KnowledgeRetention}, a session-level judge: does the assistant keep earlier facts */
    public static LlmJudge.Builder knowledgeRetention() {
        return conversation("knowledge_retention");
    }

    /**
     * @return MLflow's {@code ConversationalToolCallEfficiency}, a session-level judge: were tools used without
     *     redundant calls across the conversation (yes/no)
     */
    public static LlmJudge.Builder conversationalToolCallEfficiency() {
        return conversation("conversational_tool_call_efficiency");
    }

    /**
     * MLflow's {@code Guidelines(name, guidelines)}: pass/fail against natural-language rules.
     *
     * @param name the judge's name, e.g. {@code english}
     * @param guidelines the rules, e.g. {@code "The response must be in English"}
     * @return the builder
     */
    public static LlmJudge.Builder guidelines(String name, List<String> guidelines) {
        return LlmJudge.builder(BuiltInSpecs.of("guidelines", Map.of("guidelines",
                List.copyOf(Objects.requireNonNull(guidelines, "guidelines"))))).name(name);
    }

    /**
     * MLflow's {@code custom_prompt_judge}.
     *
     * @param name the judge's name
     * @param promptTemplate a template with {@code {{request}}}, {@code {{response}}} (and other input keys) and
     *     {@code [[choice]]} categories
     * @param numericValues each choice's number, or null to record the chosen label as the value; its keys must
     *     equal the choices
     * @return the builder
     * @throws InvalidInputException if the template has no choice or the keys differ (showing the difference)
     */
    public static LlmJudge.Builder customPrompt(String name, String promptTemplate,
            Map<String, ? extends Number> numericValues) {
        return LlmJudge.builder(new CustomPromptSpec(promptTemplate, numericValues)).name(name);
    }

    /**
     * MLflow's {@code make_judge}.
     *
     * @param name the judge's name
     * @param instructions what to judge, naming {@code {{ inputs }}}, {@code {{ outputs }}},
     *     {@code {{ expectations }}} or {@code {{ trace }}}, or {@code {{ conversation }}} for a session-level
     *     judge (no other variable)
     * @param valueType the result type
     * @return the builder
     */
    public static LlmJudge.Builder template(String name, String instructions, ValueType valueType) {
        return LlmJudge.builder(new TemplateSpec(instructions, Objects.requireNonNull(valueType, "valueType").wire(),
                null)).name(name);
    }

    /**
     * MLflow's {@code make_judge} with a result that is one of a list of labels.
     *
     * @param name the judge's name
     * @param instructions what to judge (see {@link #template(String, String, ValueType)})
     * @param labels the allowed results
     * @return the builder
     */
    public static LlmJudge.Builder template(String name, String instructions, List<String> labels) {
        return LlmJudge.builder(new TemplateSpec(instructions, "labels", labels)).name(name);
    }

    /**
     * MLflow's {@code ConversationalGuidelines(name, guidelines)}, a session-level judge: does every assistant
     * message of the conversation follow every guideline ({@code yes}/{@code no}).
     *
     * @param name the judge's name, or null for {@code conversational_guidelines}
     * @param guidelines the rules, e.g. {@code "The assistant must never promise a refund"}
     * @return the builder
     * @throws dev.vigil.spi.InvalidInputException if there is no non-blank guideline
     */
    public static LlmJudge.Builder conversationalGuidelines(String name, List<String> guidelines) {
        LlmJudge.Builder b = LlmJudge.builder(ConversationSpecs.of("conversational_guidelines",
                Map.of("guidelines", List.copyOf(Objects.requireNonNull(guidelines, "guidelines")))));
        return name == null ? b : b.name(name);
    }

    /**
     * MLflow's {@code ConversationalRoleAdherence}, a session-level judge: does the assistant stay in the role its
     * system prompt gives (or that it took on) in every turn ({@code yes}/{@code no}).
     *
     * @return the builder
     */
    public static LlmJudge.Builder conversationalRoleAdherence() {
        return conversation("conversational_role_adherence");
    }

    private static LlmJudge.Builder conversation(String kind) {
        return LlmJudge.builder(ConversationSpecs.of(kind));
    }

    private static LlmJudge.Builder builtIn(String kind) {
        return LlmJudge.builder(BuiltInSpecs.of(kind, Map.of()));
    }
}
