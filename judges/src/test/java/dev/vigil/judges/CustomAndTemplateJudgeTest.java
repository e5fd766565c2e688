package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CustomAndTemplateJudgeTest {
    static final String MODEL = "openai:/gpt-4o-mini";
    static final String TEMPLATE = "Is {{response}} polite given {{request}}?\n[[polite]]: yes.\n[[rude]]: no.";

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

    @Test
    void numericValuesWithOtherKeys_isRejectedShowingTheDifference() {
        assertThatThrownBy(() -> Judges.customPrompt("p", TEMPLATE, Map.of("polite", 1, "impolite", 0)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("[polite, rude]").hasMessageContaining("missing: [rude]")
                .hasMessageContaining("not in the template: [impolite]");
    }

    @Test
    void templateWithoutChoices_isRejected() {
        assertThatThrownBy(() -> Judges.customPrompt("p", "Is {{response}} good?", null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("[[name]]");
    }

    @Test
    void customPromptWithoutNumericValues_recordsTheLabelAsValue() {
        server.enqueue(wire.answer("{\"rationale\": \"Curt.\", \"result\": \"[[rude]]\"}"));
        Feedback f = (Feedback) Judges.customPrompt("politeness", TEMPLATE, null).model(MODEL).runtime(runtime).build()
                .score(ScorerInput.ofRecord("Give me the file", "No.", Map.of()));
        assertThat(userPrompt()).startsWith("Is No. polite given Give me the file?");
        assertThat(f.value()).isEqualTo("rude");
        assertThat(f.metadata()).containsEntry(LlmJudge.META_LABEL, "rude");
    }

    @Test
    void customPromptVariableTheInputLacks_isAnErrorFeedbackNamingIt() {
        Feedback f = (Feedback) Judges.customPrompt("p", "Judge {{tone}}: [[a]] or [[b]]", null).model(MODEL)
                .runtime(runtime).build().score(ScorerInput.ofRecord(Map.of("q", "x"), "y", Map.of()));
        assertThat(f.error().code()).isEqualTo("MISSING_INPUT");
        assertThat(f.error().message()).contains("[tone]").contains("request").contains("q");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void customPromptVariable_isReadFromInputKeysAndExpectations() {
        server.enqueue(wire.answer("{\"rationale\": \"ok\", \"result\": \"a\"}"));
        Judges.customPrompt("p", "Audience {{audience}}, target {{target}}: [[a]] or [[b]]", null).model(MODEL)
                .runtime(runtime).build()
                .score(ScorerInput.ofRecord(Map.of("audience", "children"), "y", Map.of("target", "short")));
        assertThat(userPrompt()).startsWith("Audience children, target short:");
    }

    @Test
    void templateWithAnUnknownVariable_isRejectedListingTheAllowedOnes() {
        assertThatThrownBy(() -> Judges.template("t", "Is {{ response }} good?", Judges.ValueType.BOOL))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("{{ inputs }}, {{ outputs }}, {{ expectations }}, {{ trace }} and {{ conversation }}")
                .hasMessageContaining("{{ response }}");
    }

    @Test
    void templateWithoutAnyVariable_isRejected() {
        assertThatThrownBy(() -> Judges.template("t", "Is it good?", Judges.ValueType.BOOL))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one");
    }

    @Test
    void boolTemplate_sendsOutputsAndTraceInTheirSectionsAndReadsABoolean() {
        server.enqueue(wire.answer("{\"rationale\": \"It cites its sources.\", \"result\": true}"));
        Feedback f = (Feedback) Judges.template("cites", "Does {{ outputs }} cite the documents in {{ trace }}?",
                Judges.ValueType.BOOL).model(MODEL).runtime(runtime).build().score(TestTraces.input());
        String p = userPrompt();
        assertThat(p).startsWith("Does {{ outputs }} cite the documents in {{ trace }}?").contains("<outputs>\n{\"choices\"")
                .contains("<trace>\n{\"trace_id\":\"" + TestTraces.TRACE_ID + "\"").contains("\"span_id\":\"b1\"")
                .doesNotContain("<inputs>");
        assertThat(Json.readTree(server.lastRequest().body()).path("response_format").path("json_schema").path("schema")
                .path("properties").path("result").path("type").asText()).isEqualTo("boolean");
        assertThat(f.value()).isEqualTo(true);
        assertThat(f.name()).isEqualTo("cites");
    }

    @Test
    void numberTemplate_readsANumber() {
        server.enqueue(wire.answer("{\"rationale\": \"Mostly right.\", \"result\": 4}"));
        Feedback f = (Feedback) Judges.template("score", "Rate {{ outputs }} against {{ expectations }} from 1 to 5",
                Judges.ValueType.NUMBER).model(MODEL).runtime(runtime).build()
                .score(TestTraces.input(Map.of("expected_response", "Debugging.")));
        assertThat(userPrompt()).contains("<expectations>\n{\"expected_response\":\"Debugging.\"}\n</expectations>");
        assertThat(f.value()).isEqualTo(4L);
    }

    @Test
    void labelsTemplate_acceptsOnlyItsLabels() {
        server.enqueue(wire.answer("{\"rationale\": \"?\", \"result\": \"purple\"}"));
        LlmJudge judge = Judges.template("tone", "Tone of {{ outputs }}", List.of("warm", "cold"))
                .model(MODEL).runtime(runtime).build();
        assertThatThrownBy(() -> judge.score(TestTraces.input())).isInstanceOfSatisfying(JudgeException.class,
                e -> assertThat(e.kind()).isEqualTo(FailureKind.UNPARSEABLE)).hasMessageContaining("[warm, cold]");
    }

    @Test
    void templateUsingExpectations_withNone_isAnErrorFeedback() {
        Feedback f = (Feedback) Judges.template("t", "Check {{ expectations }}", Judges.ValueType.STRING).model(MODEL)
                .runtime(runtime).build().score(TestTraces.input());
        assertThat(f.error().code()).isEqualTo("MISSING_INPUT");
        assertThat(server.requestCount()).isZero();
    }
}
