package dev.vigil.judges.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import dev.vigil.testkit.Fixtures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming body writer and answer reader of {@link ChatCompletionsModel} against its tree path: the same body
 * bytes, the same answer, and null (the tree path) for every body it does not read itself.
 */
class ChatWireCodecTest {
    private static final Duration LATENCY = Duration.ofMillis(7);
    private static final Map<String, Object> SCHEMA = frozenSchema();

    private final ChatCompletionsModel model = new ChatCompletionsModel("openai:/m", ProviderSettings.client(),
            Duration.ofSeconds(1), URI.create("http://127.0.0.1:1/v1/chat/completions"), "gpt-4o-mini", "sk-test");
    private final ChatCompletionsModel noModel = new ChatCompletionsModel("databricks:/e", ProviderSettings.client(),
            Duration.ofSeconds(1), URI.create("http://127.0.0.1:1/serving"), null, null);
    private final ChatWireCodec codec = new ChatWireCodec();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> frozenSchema() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("type", "string");
        result.put("enum", List.of("yes", "no"));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("rationale", Map.of("type", "string"));
        props.put("result", result);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "object");
        s.put("properties", props);
        s.put("required", List.of("rationale", "result"));
        s.put("additionalProperties", false);
        return (Map<String, Object>) Json.freeze(s);
    }

    private static byte[] treeBytes(ChatCompletionsModel m, JudgeRequest r, boolean withSchema) throws Exception {
        return Json.mapper().writeValueAsBytes(m.body(r, withSchema));
    }

    @Test
    void body_isByteForByteTheTreeBody_forPromptsParametersAndSchema() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("temperature", 0.0);
        params.put("max_tokens", 256);
        params.put("stop", List.of("\n\n", "END"));
        params.put("seed", null);
        List<JudgeRequest> requests = new ArrayList<>();
        for (String prompt : List.of("plain", "quotes \" and \\ backslash\nnew line\ttab \u0001 control",
                "unicode é ü 中文 emoji 😀 and a lone surrogate \ud83d end", "")) {
            requests.add(new JudgeRequest("system says", prompt, SCHEMA, Map.of()));
            requests.add(new JudgeRequest(null, prompt, SCHEMA, params));
            requests.add(new JudgeRequest("sys", prompt, null, params));
        }
        for (JudgeRequest r : requests) {
            for (boolean withSchema : new boolean[] {true, false}) {
                boolean schema = withSchema && r.responseSchema() != null;
                for (ChatCompletionsModel m : List.of(model, noModel)) {
                    byte[] fast = codec.body(m == model ? "gpt-4o-mini" : null, r, schema);
                    assertThat(new String(fast, StandardCharsets.UTF_8))
                            .isEqualTo(new String(treeBytes(m, r, schema), StandardCharsets.UTF_8));
                    assertThat(m.bodyBytes(r, schema)).isEqualTo(treeBytes(m, r, schema));
                }
            }
        }
    }

    @Test
    void body_withAParameterNamingABodyField_takesTheTreePath() throws Exception {
        for (String field : List.of("model", "messages", "response_format")) {
            JudgeRequest r = new JudgeRequest("s", "u", SCHEMA, Map.of(field, "x"));
            assertThat(codec.body("gpt-4o-mini", r, true)).isNull();
            assertThat(model.bodyBytes(r, true)).isEqualTo(treeBytes(model, r, true));
        }
    }

    @Test
    void body_withADifferentSchemaObjectEachCall_writesEachOne() throws Exception {
        JudgeRequest first = new JudgeRequest("s", "u", SCHEMA, Map.of());
        JudgeRequest other = new JudgeRequest("s", "u", Map.of("type", "object"), Map.of());
        assertThat(model.bodyBytes(first, true)).isEqualTo(treeBytes(model, first, true));
        assertThat(model.bodyBytes(other, true)).isEqualTo(treeBytes(model, other, true));
        assertThat(model.bodyBytes(first, true)).isEqualTo(treeBytes(model, first, true));
        JudgeRequest labels = new JudgeRequest("s", "u", Map.of("enum", List.of("sí 😀", "no \ud83d")), Map.of());
        assertThat(model.bodyBytes(labels, true)).isEqualTo(treeBytes(model, labels, true));
    }

    private static String answer(String content, String finish, String usage) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + content + ",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":"
                + finish + "}]" + (usage == null ? "" : ",\"usage\":" + usage) + "}";
    }

    @Test
    void read_ordinaryBodies_givesTheTreeAnswer() throws Exception {
        List<String> bodies = new ArrayList<>(List.of(
                answer("\"{\\\"result\\\": \\\"yes\\\"}\"", "\"stop\"",
                        "{\"prompt_tokens\":79,\"completion_tokens\":14,\"total_tokens\":93,\"prompt_tokens_details\":{\"cached_tokens\":0}}"),
                answer("\"text é 😀\"", "null", null),
                answer("\"t\"", "\"stop\"", "{\"prompt_tokens\":12.9,\"completion_tokens\":\"14\"}"),
                answer("\"t\"", "\"tool_calls\"", "{\"prompt_tokens\":1,\"prompt_tokens\":2}"),
                answer("\"t\"", "\"stop\"", "null"),
                "{\"choices\":[{\"message\":{\"content\":\"a\"}},{\"message\":{\"content\":\"b\"}}],\"usage\":[1]}",
                "{\"choices\":[{\"message\":{\"content\":\"only\"}}]}"));
        for (String f : List.of("openai/openai_python_recorded_structured_output_json_schema_location.json",
                "openai/openai_python_recorded_parse_nothing_plain_chat_completion.json",
                "openai/openai_python_recorded_structured_output_json_schema_multiple_choices_n3.json")) {
            bodies.add(Fixtures.read(f));
        }
        for (String body : bodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ChatWireCodec.ChatAnswer fast = codec.read(bytes);
            assertThat(fast).as(body).isNotNull();
            JudgeResponse tree = model.answer(Json.mapper().readTree(bytes), LATENCY);
            assertThat(new JudgeResponse(fast.content(), fast.finish(), fast.inputTokens(), fast.outputTokens(), LATENCY))
                    .as(body).isEqualTo(tree);
            assertThat(model.answer(bytes, 200, LATENCY)).isEqualTo(tree);
        }
    }

    @Test
    void read_unusualBodies_leavesThemToTheTreePath() {
        List<String> bodies = List.of(
                answer("\"t\"", "\"length\"", null),
                answer("\"t\"", "\"content_filter\"", null),
                answer("null", "\"stop\"", null),
                answer("[\"t\"]", "\"stop\"", null),
                answer("\"t\"", "7", null),
                "{\"choices\":[{\"message\":{\"content\":\"t\",\"refusal\":\"I can't\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"t\",\"content\":\"u\"}}]}",
                "{\"choices\":[{\"message\":{\"content\":\"t\"}}],\"choices\":[]}",
                "{\"choices\":[]}",
                "{\"choices\":[\"x\"]}",
                "{\"choices\":{}}",
                "{\"choices\":[{\"message\":\"t\"}]}",
                "{\"choices\":[{\"finish_reason\":\"stop\"}]}",
                "{\"usage\":{}}",
                "{\"choices\":[{\"message\":{\"content\":\"t\"}}]} trailing",
                "[1]",
                "",
                "not json");
        for (String body : bodies) {
            assertThat(codec.read(body.getBytes(StandardCharsets.UTF_8))).as(body).isNull();
        }
    }

    @Test
    void answer_unusualBodies_failAsTheTreePathSays() {
        assertThat(failure(answer("\"t\"", "\"length\"", null)).getMessage()).contains("cut off at the token limit");
        assertThat(failure("{\"choices\":[{\"message\":{\"content\":\"t\",\"refusal\":\"no way\"}}]}").getMessage())
                .contains("the model refused: no way");
        assertThat(failure("{\"choices\":[]}").getMessage()).contains("the answer has no choices");
        assertThat(failure("{\"choices\":[{\"message\":{\"content\":\"t\"}}]} trailing").getMessage())
                .contains("not a JSON object");
        assertThat(failure("").getMessage()).contains("not a JSON object: (empty body)");
    }

    private JudgeException failure(String body) {
        try {
            model.answer(body.getBytes(StandardCharsets.UTF_8), 200, LATENCY);
        } catch (JudgeException e) {
            return e;
        }
        throw new AssertionError("no failure for " + body);
    }

    @Test
    void subclassOverridingAnswer_isCalledForOrdinaryBodies() {
        List<JsonNode> seen = new ArrayList<>();
        ChatCompletionsModel sub = new ChatCompletionsModel("openai:/m", ProviderSettings.client(),
                Duration.ofSeconds(1), URI.create("http://127.0.0.1:1/v1/chat/completions"), "m", null) {
            @Override
            protected JudgeResponse answer(JsonNode json, Duration latency) {
                seen.add(json);
                return super.answer(json, latency);
            }
        };
        byte[] body = answer("\"t\"", "\"stop\"", null).getBytes(StandardCharsets.UTF_8);
        assertThat(sub.answer(body, 200, LATENCY).text()).isEqualTo("t");
        assertThat(seen).hasSize(1);
    }
}
