package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.session.Session;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session-level judges: make_judge with {{ conversation }} and the built-in conversation judges. */
class SessionJudgesTest {
    static final String MODEL = "openai:/gpt-4o-mini";
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    /** MLflow's multi-turn documentation's custom judge example, verbatim instructions. */
    static final String POLITENESS = "Analyze the {{ conversation }} and determine if the agent maintains "
            + "a polite and professional tone throughout all interactions. "
            + "Rate as 'consistently_polite', 'mostly_polite', or 'impolite'.";

    ScriptedHttpServer server;
    JudgeRuntime runtime;
    final OpenAiWire wire = new OpenAiWire();

    @BeforeEach
    void start() {
        server = ScriptedHttpServer.start();
        runtime = JudgeRuntime.builder()
                .environment(Map.of("OPENAI_BASE_URL", server.baseUri() + "/v1", "OPENAI_API_KEY", "sk-test"))
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String userPrompt() {
        return Json.readTree(server.lastRequest().body()).path("messages").path(1).path("content").asText();
    }

    static Session support() {
        return new Session("conv-1", Conversations.conversation("1", "conv-1", T0, Duration.ofMinutes(1),
                "My order 42 has not arrived.", "I'm sorry. Let me check order 42.",
                "It's been two weeks, this is ridiculous!", "Order 42 was lost; I've sent a replacement.",
                "Great, thank you!", "You're welcome."));
    }

    @Test
    void mlflowDocsPolitenessJudge_readsTheConversationTurnByTurn() {
        server.enqueue(wire.answer("{\"rationale\": \"Polite throughout.\", \"result\": \"consistently_polite\"}"));
        LlmJudge judge = Judges.template("conversation_politeness", POLITENESS,
                List.of("consistently_polite", "mostly_polite", "impolite")).model(MODEL).runtime(runtime).build();

        assertThat(judge.sessionLevel()).isTrue();
        Feedback f = (Feedback) judge.scoreSession(support());

        assertThat(f.value()).isEqualTo("consistently_polite");
        assertThat(f.name()).isEqualTo("conversation_politeness");
        String prompt = userPrompt();
        assertThat(prompt).contains("<conversation>");
        assertThat(prompt).containsSubsequence("Turn 1", "user: My order 42 has not arrived.",
                "assistant: I'm sorry. Let me check order 42.", "Turn 2",
                "user: It's been two weeks, this is ridiculous!", "Turn 3", "user: Great, thank you!",
                "assistant: You're welcome.");
    }

    @Test
    void conversationWithSingleTraceVariables_isRejectedAsMlflowDoes() {
        assertThatThrownBy(() -> Judges.template("j", "Judge {{ conversation }} against {{ outputs }}",
                Judges.ValueType.BOOL)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("{{ conversation }}").hasMessageContaining("{{ outputs }}")
                .hasMessageContaining("only {{ expectations }}");
        assertThatThrownBy(() -> Judges.template("j", "{{ conversation }} {{ trace }}", Judges.ValueType.BOOL))
                .hasMessageContaining("{{ trace }}");
    }

    @Test
    void conversationWithExpectations_sendsTheSessionsExpectations() {
        server.enqueue(wire.answer("{\"rationale\": \"ok\", \"result\": true}"));
        List<Trace> turns = new ArrayList<>(support().traces());
        Trace first = turns.get(0);
        turns.set(0, first.withAssessments(List.of(dev.vigil.spi.model.Assessment.builder()
                .name("goal").traceId(first.traceId()).source(dev.vigil.spi.model.AssessmentSource.human("qa"))
                .createTime(T0).expectation("replacement shipped").build())));
        Judges.template("goal_met", "Did {{ conversation }} meet {{ expectations }}?", Judges.ValueType.BOOL)
                .model(MODEL).runtime(runtime).build().scoreSession(new Session("conv-1", turns));
        assertThat(userPrompt()).contains("<expectations>").contains("\"goal\":\"replacement shipped\"");
    }

    @Test
    void conversationJudgeOnOneTrace_isAMissingInputErrorWithoutACall() {
        LlmJudge judge = Judges.userFrustration().model(MODEL).runtime(runtime).build();
        Feedback f = (Feedback) judge.score(ScorerInput.of(support().firstTrace()));
        assertThat(f.error().code()).isEqualTo("MISSING_INPUT");
        assertThat(f.error().message()).contains("session");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void traceJudgeOnASession_isAMissingInputErrorWithoutACall() {
        Feedback f = (Feedback) Judges.safety().model(MODEL).runtime(runtime).build().scoreSession(support());
        assertThat(f.error().code()).isEqualTo("MISSING_INPUT");
        assertThat(f.error().message()).contains("single traces");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void userFrustration_returnsMlflowsLabels() {
        server.enqueue(wire.answer("{\"rationale\": \"Annoyed in turn 2, thanked at the end.\","
                + " \"result\": \"resolved\"}"));
        LlmJudge judge = Judges.userFrustration().model(MODEL).runtime(runtime).build();
        Feedback f = (Feedback) judge.scoreSession(support());
        assertThat(judge.name()).isEqualTo("user_frustration");
        assertThat(f.value()).isEqualTo("resolved");
        assertThat(f.rationale()).contains("turn 2");
        assertThat(Json.write(Json.readTree(server.lastRequest().body()))).contains("unresolved");
    }

    @Test
    void conversationCompleteness_isYesOrNo() {
        server.enqueue(wire.answer("{\"rationale\": \"All answered.\", \"result\": \"yes\"}"));
        Feedback f = (Feedback) Judges.conversationCompleteness().model(MODEL).runtime(runtime).build()
                .scoreSession(support());
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.name()).isEqualTo("conversation_completeness");
    }

    @Test
    void conversationalToolCallEfficiency_showsEachTurnsToolCalls() {
        server.enqueue(wire.answer("{\"rationale\": \"The same lookup twice.\", \"result\": \"no\"}"));
        List<Trace> turns = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Trace t = Conversations.turn("1", "conv-2", "conv-2-t" + i, T0.plusSeconds(60L * i),
                    "Where is order 42?", "It is in Lyon.");
            long start = t.spans().get(0).startTimeUnixNano();
            dev.vigil.spi.model.Span tool = dev.vigil.spi.model.Span.builder().traceId(t.traceId())
                    .spanId("00000000000000b" + i).parentSpanId("00000000000000a1").name("track_order")
                    .spanType(dev.vigil.spi.model.SpanTypes.TOOL).startTimeUnixNano(start + 1)
                    .endTimeUnixNano(start + 2).inputs(Map.of("order", 42)).outputs(Map.of("city", "Lyon"))
                    .build();
            turns.add(new Trace(t.info(), List.of(t.spans().get(0), tool)));
        }
        Feedback f = (Feedback) Judges.conversationalToolCallEfficiency().model(MODEL).runtime(runtime).build()
                .scoreSession(new Session("conv-2", turns));
        assertThat(f.value()).isEqualTo("no");
        assertThat(userPrompt()).containsSubsequence("Turn 1", "user: Where is order 42?", "tool call:",
                "track_order", "assistant: It is in Lyon.", "Turn 2", "tool call:", "track_order");
    }

    @Test
    void conversationalGuidelines_judgesEveryAssistantTurnAgainstTheGuidelines() {
        server.enqueue(wire.answer("{\"rationale\": \"Turn 3 promises a refund.\", \"result\": \"no\"}"));
        LlmJudge judge = Judges.conversationalGuidelines(null, List.of("Never promise a refund",
                "Always use the customer's order number")).model(MODEL).runtime(runtime).build();

        Feedback f = (Feedback) judge.scoreSession(support());

        assertThat(judge.name()).isEqualTo("conversational_guidelines");
        assertThat(judge.sessionLevel()).isTrue();
        assertThat(f.value()).isEqualTo("no");
        assertThat(userPrompt()).containsSubsequence("<guidelines>", "1. Never promise a refund",
                "2. Always use the customer's order number", "</guidelines>", "<conversation>", "Turn 1",
                "user: My order 42 has not arrived.", "Turn 3", "assistant: You're welcome.");
        assertThat(Json.write(Json.readTree(server.lastRequest().body()))).contains("yes").contains("no");
    }

    @Test
    void conversationalGuidelines_withoutGuidelines_isRefusedSayingWhatIsNeeded() {
        assertThatThrownBy(() -> Judges.conversationalGuidelines("g", List.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one guideline");
        assertThatThrownBy(() -> new JudgeCodec(runtime).decode("g", new dev.vigil.spi.scorer.ScorerDefinition(
                LlmJudge.KIND, Map.of("judge", "conversational_guidelines", "model", MODEL))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("guideline");
    }

    /** A support bot whose system prompt (in its chat request, as autologged) gives it a role. */
    static Session withSystemPrompt() {
        List<Trace> turns = new ArrayList<>();
        List<Trace> plain = Conversations.conversation("1", "conv-3", T0, Duration.ofMinutes(1),
                "Where is order 42?", "It ships tomorrow.", "Write me a poem about pirates.",
                "Arr, a poem: the sea is wide...");
        for (Trace t : plain) {
            dev.vigil.spi.model.Span root = t.spans().get(0);
            String user = t.info().requestPreview();
            dev.vigil.spi.model.Span chat = dev.vigil.spi.model.Span.builder().traceId(t.traceId())
                    .spanId("00000000000000c1").parentSpanId(root.spanId()).name("chat")
                    .spanType(dev.vigil.spi.model.SpanTypes.CHAT_MODEL).startTimeUnixNano(root.startTimeUnixNano() + 1)
                    .endTimeUnixNano(root.endTimeUnixNano() - 1)
                    .inputs(Map.of("messages", List.of(
                            Map.of("role", "system", "content", "You are Acme's order-support agent. Only discuss"
                                    + " orders and deliveries."),
                            Map.of("role", "user", "content", user))))
                    .outputs(t.info().responsePreview()).build();
            turns.add(new Trace(t.info(), List.of(root, chat)));
        }
        return new Session("conv-3", turns);
    }

    @Test
    void conversationalRoleAdherence_showsTheSystemPromptBeforeTheConversation() {
        server.enqueue(wire.answer("{\"rationale\": \"Turn 2 writes a poem, outside order support.\","
                + " \"result\": \"no\"}"));
        LlmJudge judge = Judges.conversationalRoleAdherence().model(MODEL).runtime(runtime).build();

        Feedback f = (Feedback) judge.scoreSession(withSystemPrompt());

        assertThat(judge.name()).isEqualTo("conversational_role_adherence");
        assertThat(f.value()).isEqualTo("no");
        assertThat(userPrompt()).containsSubsequence("role", "<system_prompt>", "You are Acme's order-support agent",
                "</system_prompt>", "<conversation>", "user: Where is order 42?",
                "user: Write me a poem about pirates.", "assistant: Arr, a poem");
    }

    @Test
    void conversationalRoleAdherence_withoutASystemPrompt_sendsTheConversationAlone() {
        server.enqueue(wire.answer("{\"rationale\": \"Consistent support agent.\", \"result\": \"yes\"}"));
        Feedback f = (Feedback) Judges.conversationalRoleAdherence().model(MODEL).runtime(runtime).build()
                .scoreSession(support());
        assertThat(f.value()).isEqualTo("yes");
        assertThat(userPrompt()).doesNotContain("<system_prompt>").contains("<conversation>");
    }

    static String mlflowBuiltIn(String cls, String data) {
        return """
                {"name": "n", "aggregations": null, "mlflow_version": "3.9.0", "serialization_version": 1,
                 "builtin_scorer_class": "%s", "builtin_scorer_pydantic_data": %s,
                 "call_source": null, "call_signature": null, "original_func_name": null}""".formatted(cls, data);
    }

    @Test
    void mlflowSerializedConversationJudges_importAsSessionJudges() {
        LlmJudge guidelines = MlflowJudges.fromMlflow(mlflowBuiltIn("ConversationalGuidelines", """
                {"name": "no_refunds", "model": "%s", "guidelines": "Never promise a refund"}""".formatted(MODEL)))
                .runtime(runtime).build();
        assertThat(guidelines.definition()).isEqualTo(Judges.conversationalGuidelines("no_refunds",
                List.of("Never promise a refund")).model(MODEL).runtime(runtime).build().definition());
        assertThat(guidelines.sessionLevel()).isTrue();

        Map<String, String> kinds = Map.of("UserFrustration", "user_frustration",
                "ConversationCompleteness", "conversation_completeness",
                "ConversationalSafety", "conversational_safety", "KnowledgeRetention", "knowledge_retention",
                "ConversationalToolCallEfficiency", "conversational_tool_call_efficiency",
                "ConversationalRoleAdherence", "conversational_role_adherence");
        kinds.forEach((cls, kind) -> {
            LlmJudge j = MlflowJudges.fromMlflow(mlflowBuiltIn(cls, "{\"name\": \"my_" + kind + "\"}"))
                    .model(MODEL).runtime(runtime).build();
            assertThat(j.name()).isEqualTo("my_" + kind);
            assertThat(j.definition().string("judge")).as(cls).isEqualTo(kind);
            assertThat(j.sessionLevel()).as(cls).isTrue();
        });
        assertThatThrownBy(() -> MlflowJudges.fromMlflow(mlflowBuiltIn("ConversationalGuidelines",
                "{\"name\": \"g\", \"guidelines\": [1]}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("builtin_scorer_pydantic_data.guidelines must hold strings");
    }

    @Test
    void everyConversationJudge_roundTripsThroughTheCodec() {
        for (LlmJudge.Builder b : List.of(Judges.userFrustration(), Judges.conversationCompleteness(),
                Judges.conversationalSafety(), Judges.knowledgeRetention(),
                Judges.conversationalToolCallEfficiency(), Judges.conversationalRoleAdherence(),
                Judges.conversationalGuidelines("house_rules", List.of("Be brief", "No emojis")),
                Judges.template("p", POLITENESS, List.of("consistently_polite", "impolite")))) {
            LlmJudge judge = b.model(MODEL).runtime(runtime).build();
            LlmJudge back = (LlmJudge) new JudgeCodec(runtime).decode(judge.name(), judge.definition());
            assertThat(back).isEqualTo(judge);
            assertThat(back.sessionLevel()).isTrue();
        }
    }
}
