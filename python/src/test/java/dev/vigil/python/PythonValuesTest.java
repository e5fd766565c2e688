package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.util.List;
import java.util.Map;
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

    private static Object nested(int depth) {
        Object v = "leaf";
        for (int i = 0; i < depth; i++) {
            v = i % 2 == 0 ? List.of(v) : Map.of("k", v);
        }
        return v;
    }

    @org.junit.jupiter.api.Test
    void nestedNullsAndDepth_copyAsPythonNone_tooDeepFailsTheCall() throws Exception {
        PythonScorer s = TestSandboxes.scorer("deep", """
                import json
                from mlflow.entities import Feedback

                def deep(outputs):
                    return Feedback(value=json.dumps(outputs)[:60])
                """, Isolation.IN_PROCESS);
        List<Object> withNulls = new java.util.ArrayList<>();
        withNulls.add(null);
        Map<String, Object> inner = new java.util.LinkedHashMap<>();
        inner.put("a", null);
        inner.put("b", List.of(1L, 2.5, false));
        withNulls.add(inner);
        Feedback nulls = (Feedback) s.score(ScorerInput.ofRecord(Map.of(), withNulls, null));
        assertThat(nulls.error()).as("%s", nulls).isNull();
        assertThat(nulls.value()).isEqualTo("[null, {\"a\": null, \"b\": [1, 2.5, false]}]");

        Feedback ok = (Feedback) s.score(ScorerInput.ofRecord(Map.of(), nested(100), null));
        assertThat(ok.error()).as("%s", ok).isNull();
        assertThat((String) ok.value()).startsWith("{\"k\": [{\"k\": [");

        Feedback tooDeep = (Feedback) s.score(ScorerInput.ofRecord(Map.of(), nested(260), null));
        assertThat(tooDeep.error()).isNotNull();
        // Past 200 levels the copy's own limit fails the call (the copy is iterative: never a RecursionError).
        assertThat(tooDeep.error().code()).isEqualTo("ValueError");
    }

    @org.junit.jupiter.api.Test
    void classBasedScorer_getsTheSameReadOnlyCopies() throws Exception {
        PythonScorer s = TestSandboxes.scorer("cls", """
                from mlflow.genai.scorers import Scorer
                from mlflow.entities import Feedback

                class Probe(Scorer):
                    def __call__(self, *, inputs, outputs):
                        try:
                            outputs["tags"].append("x")
                            appended = "allowed"
                        except TypeError as e:
                            appended = str(e)
                        return Feedback(value={"dict": type(inputs).__name__,
                                               "list": isinstance(outputs["tags"], list),
                                               "tags": list(outputs["tags"]), "append": appended})

                cls = Probe()
                """, Isolation.IN_PROCESS);
        Feedback f = (Feedback) s.score(ScorerInput.ofRecord(Map.of("q", "x"), Map.of("tags", List.of("a")), null));
        assertThat(f.error()).as("%s", f).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) f.value();
        assertThat(v).containsEntry("dict", "dict").containsEntry("list", true).containsEntry("tags", List.of("a"));
        assertThat((String) v.get("append")).contains("read-only");
    }
}
