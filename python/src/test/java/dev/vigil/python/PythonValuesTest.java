package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A scorer sees its inputs, outputs and expectations as Python dicts and lists, read-only, at both isolation levels. */
class PythonValuesTest {

    private static final String PROBE = """
            import json
            from mlflow.genai.scorers import scorer
            from mlflow.entities import Feedback

            @scorer
            def probe(inputs, outputs, expectations):
                checks = {
                    "inputs_is_dict": isinstance(inputs, dict),
                    "outputs_is_list": isinstance(outputs, list),
                    "expectations_is_dict": isinstance(expectations, dict),
                    "len": len(outputs),
                    "iterated": [o["id"] for o in outputs],
                    "slice": [o["id"] for o in outputs[1:]],
                    "last": outputs[-1]["tags"][-1],
                    "nested_is_list": isinstance(outputs[0]["tags"], list),
                    "in_dict": "query" in inputs and "nope" not in inputs,
                    "in_list": "a" in outputs[0]["tags"],
                    "json": json.dumps(inputs, sort_keys=True),
                    "keys": sorted(inputs.keys()),
                    "copy": dict(inputs) == {"query": "q", "n": 3, "ratio": 0.5, "flag": True, "none": None},
                    "expected": expectations.get("expected_response"),
                    "eq": outputs[0]["tags"] == ["a", "b"],
                }
                try:
                    outputs.append(1)
                    checks["append"] = "allowed"
                except TypeError as e:
                    checks["append"] = str(e)
                try:
                    inputs["query"] = "changed"
                    checks["setitem"] = "allowed"
                except TypeError as e:
                    checks["setitem"] = str(e)
                return Feedback(value=checks)
            """;

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void arguments_behaveAsPythonDictsAndLists_andAreReadOnly(Isolation isolation) throws Exception {
        PythonScorer s = TestSandboxes.scorer("probe", PROBE, isolation);
        Map<String, Object> inputs = new java.util.LinkedHashMap<>();
        inputs.put("query", "q");
        inputs.put("n", 3L);
        inputs.put("ratio", 0.5);
        inputs.put("flag", true);
        inputs.put("none", null);
        List<Object> outputs = List.of(Map.of("id", 1L, "tags", List.of("a", "b")), Map.of("id", 2L, "tags",
                List.of("c")));
        Object r = s.score(ScorerInput.ofRecord(inputs, outputs, Map.of("expected_response", "yes")));

        assertThat(r).isInstanceOf(Feedback.class);
        Feedback f = (Feedback) r;
        assertThat(f.error()).as("%s", f).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> checks = (Map<String, Object>) f.value();
        assertThat(checks).containsEntry("inputs_is_dict", true).containsEntry("outputs_is_list", true)
                .containsEntry("expectations_is_dict", true).containsEntry("len", 2L)
                .containsEntry("iterated", List.of(1L, 2L)).containsEntry("slice", List.of(2L))
                .containsEntry("last", "c").containsEntry("nested_is_list", true).containsEntry("in_dict", true)
                .containsEntry("in_list", true)
                .containsEntry("json", "{\"flag\": true, \"n\": 3, \"none\": null, \"query\": \"q\", \"ratio\": 0.5}")
                .containsEntry("keys", List.of("flag", "n", "none", "query", "ratio")).containsEntry("copy", true)
                .containsEntry("expected", "yes").containsEntry("eq", true);
        assertThat((String) checks.get("append")).contains("read-only");
        assertThat((String) checks.get("setitem")).contains("read-only");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    void getOnAList_failsWithPythonsOwnAttributeError(Isolation isolation) throws Exception {
        PythonScorer s = TestSandboxes.scorer("wrong_shape", """
                def wrong_shape(outputs):
                    return outputs.get("response")
                """, isolation);
        Feedback f = (Feedback) s.score(ScorerInput.ofRecord(Map.of(), List.of("x"), null));
        assertThat(f.error()).isNotNull();
        assertThat(f.error().code()).isEqualTo("AttributeError");
        assertThat(f.error().message()).isEqualTo("AttributeError: 'list' object has no attribute 'get'");
    }

    /** The arguments cross as JSON text (GuestJson): characters JSON escapes and numbers it cannot spell arrive intact. */
    @Test
    void awkwardStringsAndNumbers_arriveAsTheyWere() throws Exception {
        PythonScorer s = TestSandboxes.scorer("awkward", """
                import math
                from mlflow.entities import Feedback

                def awkward(inputs):
                    checks = [inputs["text"] == 'q"b' + chr(92) + "s" + chr(10) + "x" + chr(1) + chr(233) + chr(0x1F600),
                            math.isnan(inputs["nan"]), inputs["inf"] == math.inf, inputs["neg_inf"] == -math.inf,
                            type(inputs["big"]) is float and inputs["big"] == 1e300, inputs["dec"] == 0.1,
                            inputs["max"] == 9223372036854775807, type(inputs["whole"]) is float,
                            inputs["list_in_list"] == [[1, [2]], []], type(inputs["list_in_list"][0][1]).__name__]
                    return Feedback(value=checks)
                """, Isolation.IN_PROCESS);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("text", "q\"b\\s\nx\u0001\u00e9\ud83d\ude00");
        inputs.put("nan", Double.NaN);
        inputs.put("inf", Double.POSITIVE_INFINITY);
        inputs.put("neg_inf", Double.NEGATIVE_INFINITY);
        inputs.put("big", 1e300);
        inputs.put("dec", new BigDecimal("0.1"));
        inputs.put("max", Long.MAX_VALUE);
        inputs.put("whole", 2.0);
        inputs.put("list_in_list", List.of(List.of(1L, List.of(2L)), List.of()));
        Object r = s.score(ScorerInput.ofRecord(inputs, null, null));

        assertThat(r).as("%s", r).isInstanceOf(Feedback.class);
        Feedback f = (Feedback) r;
        assertThat(f.error()).as("%s", f).isNull();
        assertThat(f.value()).isEqualTo(List.of(true, true, true, true, true, true, true, true, true, "list"));
    }

    @Test
    void nestedListsAreReadOnly_andClassBasedScorersGetTheSameCopies() throws Exception {
        PythonScorer s = TestSandboxes.scorer("cls", """
                from mlflow.genai.scorers import Scorer
                from mlflow.entities import Feedback

                class Probe(Scorer):
                    def __call__(self, *, outputs, expectations):
                        inner = outputs["rows"][0]
                        try:
                            inner.append(3)
                            appended = "allowed"
                        except TypeError as e:
                            appended = str(e)
                        return Feedback(value=[isinstance(outputs, dict), isinstance(inner, list), appended,
                                               expectations])
                """, Isolation.IN_PROCESS);
        Object r = s.score(ScorerInput.ofRecord(Map.of(), Map.of("rows", List.of(List.of(1L, 2L))), null));

        Feedback f = (Feedback) r;
        assertThat(f.error()).as("%s", f).isNull();
        @SuppressWarnings("unchecked")
        List<Object> v = (List<Object>) f.value();
        assertThat(v.get(0)).isEqualTo(true);
        assertThat(v.get(1)).isEqualTo(true);
        assertThat((String) v.get(2)).contains("read-only");
        assertThat(v.get(3)).isEqualTo(Map.of());
    }

    @Test
    void argumentNestedDeeperThan200Levels_failsTheCallWithAClearError() throws Exception {
        PythonScorer s = TestSandboxes.scorer("deep", """
                def deep(inputs):
                    return True
                """, Isolation.IN_PROCESS);
        Object deep = "leaf";
        for (int i = 0; i < 250; i++) {
            List<Object> l = new ArrayList<>();
            l.add(deep);
            deep = l;
        }
        Feedback f = (Feedback) s.score(ScorerInput.ofRecord(Map.of("deep", deep), null, null));

        assertThat(f.error()).isNotNull();
        assertThat(f.error().message()).contains("nested deeper than 200 levels");
    }
}
