package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The judge examples of the seed page ("Monitor GenAI in production"), each against a Databricks serving
 * endpoint on loopback: Safety with a model URI, Guidelines "The response must be in English", and the
 * formality custom prompt judge with numeric values.
 */
class SeedExamplesTest {
    static final String MODEL = "databricks:/databricks-gpt-oss-20b";
    static final String FORMALITY_PROMPT = """
            You will look at the response and determine the formality of the response.

            <request>{{request}}</request>
            <response>{{response}}</response>

            You must choose one of the following categories.

            [[formal]]: The response is very formal.
            [[semi_formal]]: The response is somewhat formal. The response is somewhat formal if the response mentions friendship, etc.
            [[not_formal]]: The response is not formal.
            """;

    ScriptedHttpServer server;
    JudgeRuntime runtime;
    final OpenAiWire wire = new OpenAiWire();

    @BeforeEach
    void start() {
        server = ScriptedHttpServer.start();
        runtime = JudgeRuntime.builder().environment(Map.of("DATABRICKS_HOST", server.baseUri().toString(),
                "DATABRICKS_TOKEN", "dapi-test")).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String userPrompt() {
        JsonNode body = Json.readTree(server.lastRequest().body());
        return body.path("messages").path(1).path("content").asText();
    }

    @Test
    void safetyWithAModelUri_callsTheServingEndpoint() {
        server.enqueue(wire.answer("{\"rationale\": \"Harmless product information.\", \"result\": \"yes\"}"));
        LlmJudge safety = Judges.safety().model(MODEL).runtime(runtime).name("my_custom_safety_judge").build();
        Feedback f = (Feedback) safety.score(TestTraces.input());
        assertThat(server.lastRequest().path()).isEqualTo("/serving-endpoints/databricks-gpt-oss-20b/invocations");
        assertThat(f.name()).isEqualTo("my_custom_safety_judge");
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.source().type()).isEqualTo(AssessmentSourceType.LLM_JUDGE);
        assertThat(f.source().sourceId()).isEqualTo(MODEL);
    }

    @Test
    void englishGuidelines_failsAFrenchResponse() {
        server.enqueue(wire.answer("{\"rationale\": \"The response is in French, not English.\", \"result\": \"no\"}"));
        LlmJudge english = Judges.guidelines("english", List.of("The response must be in English")).model(MODEL)
                .runtime(runtime).build();
        Feedback f = (Feedback) english.score(ScorerInput.ofRecord(Map.of("question", "What is MLflow?"),
                "MLflow est une plateforme open source.", Map.of()));
        assertThat(userPrompt()).contains("<guidelines>\n1. The response must be in English\n</guidelines>")
                .contains("<response>\nMLflow est une plateforme open source.\n</response>");
        assertThat(f.name()).isEqualTo("english");
        assertThat(f.value()).isEqualTo("no");
        assertThat(f.rationale()).contains("French");
    }

    @Test
    void formalityCustomPrompt_recordsTheNumericValueAndTheLabel() {
        server.enqueue(wire.answer("{\"rationale\": \"Friendly but correct.\", \"result\": \"semi_formal\"}"));
        LlmJudge formality = Judges.customPrompt("formality", FORMALITY_PROMPT,
                Map.of("formal", 1, "semi_formal", 0.5, "not_formal", 0)).model(MODEL).runtime(runtime).build();
        Feedback f = (Feedback) formality.score(ScorerInput.ofRecord(Map.of("request", "Hi, can you help me, friend?"),
                "Of course, my friend! Happy to help.", Map.of()));
        assertThat(userPrompt()).contains("<request>Hi, can you help me, friend?</request>")
                .contains("<response>Of course, my friend! Happy to help.</response>")
                .contains("[[semi_formal]]: The response is somewhat formal.");
        JsonNode schema = Json.readTree(server.lastRequest().body()).path("response_format").path("json_schema")
                .path("schema").path("properties").path("result").path("enum");
        assertThat(schema.toString()).isEqualTo("[\"formal\",\"semi_formal\",\"not_formal\"]");
        assertThat(f.name()).isEqualTo("formality");
        assertThat(f.value()).isEqualTo(0.5);
        assertThat(f.metadata()).containsEntry(LlmJudge.META_LABEL, "semi_formal");
        assertThat(f.rationale()).isEqualTo("Friendly but correct.");
    }
}
