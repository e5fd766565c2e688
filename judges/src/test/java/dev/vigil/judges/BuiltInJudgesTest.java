package dev.vigil.judges;

import static dev.vigil.judges.TestTraces.ANSWER;
import static dev.vigil.judges.TestTraces.DOC_1;
import static dev.vigil.judges.TestTraces.DOC_2;
import static dev.vigil.judges.TestTraces.DOC_3;
import static dev.vigil.judges.TestTraces.QUESTION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every built-in judge: the request it sends (the right trace content in the right place) and its feedback. */
class BuiltInJudgesTest {
    static final String MODEL = "openai:/gpt-4o-mini";
    static final OpenAiWire WIRE = new OpenAiWire();

    ScriptedHttpServer server;
    JudgeRuntime runtime;

    @BeforeEach
    void start() {
        server = ScriptedHttpServer.start();
        runtime = JudgeRuntime.builder()
                .environment(Map.of("OPENAI_BASE_URL", server.baseUri() + "/v1", "OPENAI_API_KEY", "sk-test"))
                .cache(false).build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String answer(String result, String rationale) {
        return Json.write(Map.of("rationale", rationale, "result", result));
    }

    String prompt(RecordedRequest r) {
        JsonNode body = Json.readTree(r.body());
        return body.path("messages").path(1).path("content").asText();
    }

    static String section(String tag, String content) {
        return "<" + tag + ">\n" + content + "\n</" + tag + ">";
    }

    Feedback single(LlmJudge.Builder b, ScorerInput input) {
        Object out = b.model(MODEL).runtime(runtime).build().score(input);
        assertThat(out).isInstanceOf(Feedback.class);
        return (Feedback) out;
    }

    @SuppressWarnings("unchecked")
    List<Feedback> many(LlmJudge.Builder b, ScorerInput input) {
        Object out = b.model(MODEL).runtime(runtime).build().score(input);
        assertThat(out).isInstanceOf(List.class);
        return (List<Feedback>) out;
    }

    @Test
    void safety_sendsOnlyTheResponse_andReadsNo() {
        server.enqueue(WIRE.answer(answer("no", "It gives dangerous instructions.")));
        Feedback f = single(Judges.safety(), TestTraces.input());
        String p = prompt(server.lastRequest());
        assertThat(p).contains(section("response", ANSWER)).doesNotContain("<request>").contains("safe");
        assertThat(f.name()).isEqualTo("safety");
        assertThat(f.value()).isEqualTo("no");
        assertThat(f.rationale()).isEqualTo("It gives dangerous instructions.");
        assertThat(f.source()).isEqualTo(AssessmentSource.llmJudge(MODEL));
    }

    @Test
    void relevanceToQuery_sendsTheLastUserMessageAndTheChoiceContent() {
        server.enqueue(WIRE.answer(answer("yes", "It answers the question.")));
        Feedback f = single(Judges.relevanceToQuery(), TestTraces.input());
        String p = prompt(server.lastRequest());
        assertThat(p).contains(section("request", QUESTION)).contains(section("response", ANSWER))
                .doesNotContain("Be brief.");
        assertThat(f.name()).isEqualTo("relevance_to_query");
        assertThat(f.value()).isEqualTo("yes");
    }

    @Test
    void correctness_sendsExpectedFactsAsBullets() {
        server.enqueue(WIRE.answer(answer("yes", "Both facts are stated.")));
        Feedback f = single(Judges.correctness(), TestTraces.input(Map.of("expected_facts",
                List.of("Tracing records each step", "It is used for debugging"))));
        String p = prompt(server.lastRequest());
        assertThat(p).contains(section("request", QUESTION)).contains(section("response", ANSWER))
                .contains(section("expected_facts", "- Tracing records each step\n- It is used for debugging"));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.name()).isEqualTo("correctness");
    }

    @Test
    void correctness_sendsTheExpectedResponseWhenNoFacts() {
        server.enqueue(WIRE.answer(answer("no", "It contradicts the expected response.")));
        Feedback f = single(Judges.correctness(), TestTraces.input(Map.of("expected_response", "It is for debugging.")));
        assertThat(prompt(server.lastRequest())).contains(section("expected_response", "It is for debugging."))
                .doesNotContain("<expected_facts>");
        assertThat(f.value()).isEqualTo("no");
    }

    @Test
    void correctness_withoutExpectations_isAnErrorFeedbackWithoutCallingTheModel() {
        Feedback f = single(Judges.correctness(), TestTraces.input());
        assertThat(f.error().code()).isEqualTo("MISSING_INPUT");
        assertThat(f.error().message()).contains("expected_facts").contains("expected_response");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void retrievalGroundedness_asksOncePerTopLevelRetrieverSpan() {
        server.enqueue(WIRE.answer(answer("yes", "Supported by document 1.")),
                WIRE.answer(answer("no", "The blog says nothing about debugging.")));
        List<Feedback> fs = many(Judges.retrievalGroundedness(), TestTraces.input());
        assertThat(fs).extracting(Feedback::spanId).containsExactly("b1", "b2");
        assertThat(fs).extracting(Feedback::value).containsExactly("yes", "no");
        assertThat(fs).extracting(Feedback::name).containsOnly("retrieval_groundedness");
        List<RecordedRequest> rs = server.requests();
        assertThat(prompt(rs.get(0))).contains(section("context", "[1] (https://mlflow.org/docs/tracing) " + DOC_1
                + "\n[2] (https://example.com/eiffel) " + DOC_2)).contains(section("response", ANSWER))
                .doesNotContain("nested document");
        assertThat(prompt(rs.get(1))).contains(section("context", "[1] (https://mlflow.org/blog/monitoring) " + DOC_3));
    }

    @Test
    void retrievalRelevance_asksPerChunkAndAddsEachSpansPrecision() {
        server.enqueue(WIRE.answer(answer("yes", "About tracing.")), WIRE.answer(answer("no", "About the Eiffel Tower.")),
                WIRE.answer(answer("yes", "About monitoring.")));
        List<Feedback> fs = many(Judges.retrievalRelevance(), TestTraces.input());
        assertThat(fs).extracting(Feedback::name).containsExactly("retrieval_relevance_precision",
                "retrieval_relevance", "retrieval_relevance", "retrieval_relevance_precision", "retrieval_relevance");
        assertThat(fs).extracting(Feedback::spanId).containsExactly("b1", "b1", "b1", "b2", "b2");
        assertThat(fs).extracting(Feedback::value).containsExactly(0.5, "yes", "no", 1.0, "yes");
        assertThat(fs.get(2).metadata()).containsEntry("chunk_index", "1").containsEntry("doc_uri", "https://example.com/eiffel");
        assertThat(fs.get(0).source()).isEqualTo(AssessmentSource.llmJudge(MODEL));
        List<RecordedRequest> rs = server.requests();
        assertThat(prompt(rs.get(1))).contains(section("document", DOC_2)).contains(section("request", QUESTION))
                .doesNotContain(DOC_1);
    }

    @Test
    void retrievalSufficiency_sendsContextAndExpectedFactsPerSpan() {
        server.enqueue(WIRE.answer(answer("yes", "All facts present.")), WIRE.answer(answer("no", "Missing the definition.")));
        List<Feedback> fs = many(Judges.retrievalSufficiency(),
                TestTraces.input(Map.of("expected_facts", List.of("Tracing captures inputs and outputs"))));
        assertThat(fs).extracting(Feedback::value).containsExactly("yes", "no");
        assertThat(fs).extracting(Feedback::spanId).containsExactly("b1", "b2");
        assertThat(prompt(server.requests().get(0))).contains(section("request", QUESTION))
                .contains("<context>\n[1] (https://mlflow.org/docs/tracing) " + DOC_1)
                .contains(section("expected_facts", "- Tracing captures inputs and outputs"))
                .doesNotContain("<response>");
    }

    @Test
    void retrievalJudge_onATraceWithoutRetriever_isOneErrorFeedback() {
        ScorerInput noRetriever = ScorerInput.ofRecord(Map.of("query", "hi"), "hello", Map.of());
        List<Feedback> fs = many(Judges.retrievalGroundedness(), noRetriever);
        assertThat(fs).hasSize(1);
        assertThat(fs.get(0).error().code()).isEqualTo("MISSING_INPUT");
        assertThat(fs.get(0).error().message()).contains("RETRIEVER");
    }

    @Test
    void guidelines_sendsNumberedGuidelinesAndUsesItsName() {
        server.enqueue(WIRE.answer(answer("yes", "English and polite.")));
        Feedback f = single(Judges.guidelines("style", List.of("The response must be in English", "Be polite")),
                TestTraces.input());
        assertThat(prompt(server.lastRequest()))
                .contains(section("guidelines", "1. The response must be in English\n2. Be polite"))
                .contains(section("request", QUESTION)).contains(section("response", ANSWER));
        assertThat(f.name()).isEqualTo("style");
        assertThat(f.value()).isEqualTo("yes");
    }

    @Test
    void expectationsGuidelines_readsGuidelinesFromTheExpectations() {
        server.enqueue(WIRE.answer(answer("no", "Not in French.")));
        Feedback f = single(Judges.expectationsGuidelines(), TestTraces.input(Map.of("guidelines",
                List.of("Answer in French"))));
        assertThat(prompt(server.lastRequest())).contains(section("guidelines", "1. Answer in French"));
        assertThat(f.value()).isEqualTo("no");
        assertThat(f.name()).isEqualTo("expectations_guidelines");
    }

    @Test
    void completeness_sendsRequestAndResponse() {
        server.enqueue(WIRE.answer(answer("yes", "Every part answered.")));
        Feedback f = single(Judges.completeness(), TestTraces.input());
        assertThat(prompt(server.lastRequest())).contains(section("request", QUESTION)).contains(section("response", ANSWER))
                .contains("every part");
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.name()).isEqualTo("completeness");
    }

    @Test
    void fluency_sendsOnlyTheResponse() {
        server.enqueue(WIRE.answer(answer("yes", "Reads naturally.")));
        Feedback f = single(Judges.fluency(), TestTraces.input());
        assertThat(prompt(server.lastRequest())).contains(section("response", ANSWER)).doesNotContain("<request>")
                .contains("fluent");
        assertThat(f.value()).isEqualTo("yes");
    }

    @Test
    void toolCallCorrectness_sendsToolSpansAndExpectedCalls() {
        server.enqueue(WIRE.answer(answer("yes", "get_weather with Paris is right.")));
        Feedback f = single(Judges.toolCallCorrectness(), TestTraces.input(Map.of("expected_tool_calls",
                List.of(Map.of("name", "get_weather", "arguments", Map.of("city", "Paris"))))));
        String p = prompt(server.lastRequest());
        assertThat(p).contains("<tool_calls>\n[{\"span_id\":\"d1\",\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"},"
                + "\"result\":{\"temperature_c\":18}").contains("<expected_tool_calls>\n[{")
                .contains(section("request", QUESTION));
        assertThat(f.value()).isEqualTo("yes");
        assertThat(f.name()).isEqualTo("tool_call_correctness");
    }

    @Test
    void toolCallEfficiency_sendsBothCallsAndReadsNo() {
        server.enqueue(WIRE.answer(answer("no", "get_weather was called twice with the same city.")));
        Feedback f = single(Judges.toolCallEfficiency(), TestTraces.input());
        String p = prompt(server.lastRequest());
        assertThat(p).contains("\"span_id\":\"d1\"").contains("\"span_id\":\"d2\"").doesNotContain("<expected_tool_calls>");
        assertThat(f.value()).isEqualTo("no");
        assertThat(f.rationale()).contains("twice");
    }

    @Test
    void judges_areIoScorersWithTheirModelAsSource() {
        Scorer s = Judges.fluency().model(MODEL).runtime(runtime).build();
        assertThat(s.workload()).isEqualTo(Scorer.Workload.IO);
        assertThat(s.source()).isEqualTo(AssessmentSource.llmJudge(MODEL));
    }
}
