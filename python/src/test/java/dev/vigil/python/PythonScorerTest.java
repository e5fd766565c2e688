package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerCodec;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.testkit.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** What a Python scorer accepts, is given, and returns (in-process). */
class PythonScorerTest {

    private static PythonScorer scorer(String name, String source) {
        return TestSandboxes.scorer(name, source, Isolation.IN_PROCESS);
    }

    private static Object score(PythonScorer s) throws Exception {
        return s.score(TestSandboxes.input("1", "what is databricks", "Databricks is a data platform"));
    }

    @Test
    void syntaxError_isReportedAtRegistrationWithLineAndColumn() {
        assertThatThrownBy(() -> scorer("broken", """
                from mlflow.genai.scorers import scorer

                @scorer
                def broken(outputs):
                    return len(outputs.get("response", "")
                """))
                .isInstanceOfSatisfying(PythonSourceException.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.column()).isEqualTo(15);
                    assertThat(e.getMessage()).contains("syntax error at line 5, column 15")
                            .contains("'(' was never closed");
                });
    }

    @Test
    void parameterMlflowDoesNotPass_isRejectedAtRegistration() {
        assertThatThrownBy(() -> scorer("bad_param", """
                from mlflow.genai.scorers import scorer

                @scorer
                def bad_param(outputs, context):
                    return 1
                """)).isInstanceOf(PythonSourceException.class)
                .hasMessageContaining("scorer parameter 'context' is not one MLflow passes");
    }

    @Test
    void severalScorersWithoutEntryPoint_areRejected_andAnEntryPointPicksOne() throws Exception {
        String src = """
                from mlflow.genai.scorers import scorer

                @scorer
                def first(outputs):
                    return 1

                @scorer(name="second_name")
                def second(outputs):
                    return 2
                """;
        assertThatThrownBy(() -> scorer("two", src)).isInstanceOf(PythonSourceException.class)
                .hasMessageContaining("several @scorer functions (first, second)");
        PythonScorer s = PythonScorer.builder().name("two").source(src).entryPoint("second")
                .sandbox(TestSandboxes.sandbox()).build();
        assertThat(score(s)).isEqualTo(2L);
    }

    @Test
    void plainFunction_withoutDecorator_isAccepted() throws Exception {
        PythonScorer s = scorer("plain", "def plain(inputs):\n    return inputs['query'].upper()\n");
        assertThat(score(s)).isEqualTo("WHAT IS DATABRICKS");
    }

    @Test
    void thirdPartyImport_failsWithTheSandboxMessage() throws Exception {
        PythonScorer s = scorer("uses_numpy", """
                from mlflow.genai.scorers import scorer

                @scorer
                def uses_numpy(outputs):
                    import numpy as np
                    return float(np.mean([1, 2]))
                """);
        Feedback f = (Feedback) score(s);
        assertThat(f.error().code()).isEqualTo("ModuleNotFoundError");
        assertThat(f.error().message()).contains("module 'numpy' is not available in the Vigil sandbox");
    }

    @Test
    void standardLibrary_worksOffline() throws Exception {
        PythonScorer s = scorer("stdlib", """
                from mlflow.genai.scorers import scorer

                @scorer
                def stdlib(outputs):
                    import json, re, math, statistics, difflib, datetime, collections, string, unicodedata
                    text = outputs["response"]
                    words = re.findall(r"\\w+", text.lower())
                    counts = collections.Counter(words)
                    return {
                        "json": json.loads(json.dumps({"n": len(words)}))["n"],
                        "sqrt": math.sqrt(16),
                        "mean": statistics.mean([1, 2, 3, 4]),
                        "ratio": round(difflib.SequenceMatcher(None, "abcd", "abce").ratio(), 2),
                        "year": datetime.date(2025, 6, 1).isoformat(),
                        "top": counts.most_common(1)[0][0],
                        "upper": string.ascii_uppercase[:3],
                        "nfkc": unicodedata.normalize("NFKC", "\\uff21"),
                    }
                """.replace("return {", "return Feedback(value={").replace("    }\n", "    })\n")
                .replace("@scorer", "from mlflow.entities import Feedback\n\n@scorer"));
        Feedback f = (Feedback) score(s);
        assertThat(f.error()).isNull();
        assertThat(f.value()).isEqualTo(Map.of("json", 5L, "sqrt", 4.0, "mean", 2.5, "ratio", 0.75,
                "year", "2025-06-01", "top", "databricks", "upper", "ABC", "nfkc", "A"));
    }

    @Test
    void trace_isReadableWithInfoSpansAndSearchSpans_andReadOnly() throws Exception {
        PythonScorer s = scorer("trace_reader", """
                from mlflow.genai.scorers import scorer
                from mlflow.entities import Feedback

                @scorer
                def trace_reader(trace, expectations):
                    retrievers = trace.search_spans(span_type="RETRIEVER")
                    docs = retrievers[0].outputs
                    return Feedback(value=len(trace.data.spans), rationale=trace.info.trace_id,
                                    metadata={"doc": docs[0]["page_content"], "model": trace.data.spans[1].attributes["model"],
                                              "expected": str(expectations.get("expected_response"))})
                """);
        ScorerInput in = TestSandboxes.input("7", "q", "a");
        in = new ScorerInput(in.inputs(), in.outputs(), Map.of("expected_response", "yes"), in.trace());
        Feedback f = (Feedback) s.score(in);
        assertThat(f.value()).isEqualTo(3L);
        assertThat(f.rationale()).isEqualTo("tr-7");
        assertThat(f.metadata()).containsEntry("doc", "Databricks is a data platform")
                .containsEntry("model", "gpt-x").containsEntry("expected", "yes");

        PythonScorer writer = scorer("trace_writer", """
                def trace_writer(trace, outputs):
                    outputs["response"] = "changed"
                    return True
                """);
        Feedback denied = (Feedback) writer.score(TestSandboxes.input("8", "q", "a"));
        assertThat(denied.error()).as("writing to outputs").isNotNull();
        assertThat(denied.error().code()).isIn("SANDBOX_DENIED", "AttributeError", "TypeError");
    }

    @Test
    void realMlflowTrace_fromTheFixtures_isScored() throws Exception {
        var trace = MlflowJson.readTrace(Fixtures.read("mlflow-traces/v3_databricks_agent_predict_ok_trace.json"));
        PythonScorer s = scorer("chat_spans", """
                def chat_spans(trace):
                    return len(trace.search_spans(span_type="CHAT_MODEL"))
                """);
        assertThat(s.score(ScorerInput.of(trace))).isEqualTo((long) trace.spansOfType("CHAT_MODEL").size());
    }

    @Test
    void results_areConvertedByType() throws Exception {
        PythonScorer list = scorer("many", """
                from mlflow.entities import Feedback, AssessmentSource, AssessmentError

                def many(outputs):
                    return [Feedback(name="a", value=True, source=AssessmentSource(source_type="LLM_JUDGE", source_id="m")),
                            Feedback(name="b", error=AssessmentError(error_code="E1", error_message="bad")),
                            Feedback(name="c", value=[1, 2.5, "x"], span_id="s1")]
                """);
        @SuppressWarnings("unchecked")
        List<Feedback> fs = (List<Feedback>) score(list);
        assertThat(fs).extracting(Feedback::name).containsExactly("a", "b", "c");
        assertThat(fs.get(0).value()).isEqualTo(true);
        assertThat(fs.get(0).source().type()).isEqualTo(AssessmentSourceType.LLM_JUDGE);
        assertThat(fs.get(1).error().code()).isEqualTo("E1");
        assertThat(fs.get(1).error().message()).isEqualTo("bad");
        assertThat(fs.get(2).value()).isEqualTo(List.of(1L, 2.5, "x"));
        assertThat(fs.get(2).spanId()).isEqualTo("s1");

        assertThat(score(scorer("none", "def none(outputs):\n    return None\n"))).isNull();
        assertThat(score(scorer("flt", "def flt(outputs):\n    return 2.0\n"))).isEqualTo(2.0);
        Feedback wrong = (Feedback) score(scorer("wrong", "def wrong(outputs):\n    return {'a': 1}\n"));
        assertThat(wrong.error().code()).isEqualTo("INVALID_RETURN_TYPE");
        assertThat(wrong.error().message()).contains("returned a dict");
        Feedback raised = (Feedback) score(scorer("raises", "def raises(outputs):\n    print('debug line')\n"
                + "    raise ValueError('no answer')\n"));
        assertThat(raised.error().code()).isEqualTo("ValueError");
        assertThat(raised.error().message()).isEqualTo("ValueError: no answer");
        assertThat(raised.error().stackTrace()).contains("line 3").contains("--- scorer output ---\ndebug line");
    }

    @Test
    void mlflowSerialisedScorer_isImportedAsIs() throws Exception {
        Map<String, Object> serialized = Map.of(
                "name", "response_length",
                "aggregations", List.of("mean", "max"),
                "mlflow_version", "3.4.0",
                "serialization_version", 1,
                "call_source", "return len(str(outputs.get(\"response\", \"\")))",
                "call_signature", "(outputs)",
                "original_func_name", "response_length");
        PythonScorer s = PythonScorer.fromMlflow(null, serialized).sandbox(TestSandboxes.sandbox()).build();
        assertThat(s.name()).isEqualTo("response_length");
        assertThat(s.aggregations()).extracting(Aggregation::name).containsExactly("mean", "max");
        assertThat(s.score(TestSandboxes.input("1", "q", "12345"))).isEqualTo(5L);
    }

    @Test
    void codec_isFoundByKind_andRoundTripsEqual() {
        ScorerCodec codec = ServiceLoader.load(ScorerCodec.class).stream().map(ServiceLoader.Provider::get)
                .filter(c -> c.kind().equals("python")).findFirst().orElseThrow();
        PythonScorer original = TestSandboxes.scorer("response_length", SeedScorersTest.RESPONSE_LENGTH,
                Isolation.IN_PROCESS);
        ScorerDefinition def = original.definition();
        assertThat(def.kind()).isEqualTo("python");
        assertThat(def.config()).containsEntry("entry_point", "response_length")
                .containsEntry("aggregations", List.of("mean", "min", "max"))
                .containsEntry("isolation", "in_process")
                .containsEntry("source", SeedScorersTest.RESPONSE_LENGTH);
        @SuppressWarnings("unchecked")
        Map<String, Object> storedConfig = (Map<String, Object>) dev.vigil.spi.json.Json.parse(
                dev.vigil.spi.json.Json.write(def.config()));
        ScorerDefinition stored = new ScorerDefinition("python", storedConfig);
        PythonScorer back = ((PythonScorerCodec) codec).decode("response_length", stored, TestSandboxes.sandbox());
        assertThat(back).isEqualTo(original);
        assertThat(back.definition()).isEqualTo(def);
        assertThatThrownBy(() -> ((PythonScorerCodec) codec).decode("x",
                new ScorerDefinition("python", Map.of("source", "def f(:")), TestSandboxes.sandbox()))
                .isInstanceOf(InvalidInputException.class);
    }
}
