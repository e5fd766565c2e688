package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The copy of a scorer's arguments into read-only Python values (Java packs each argument into one string, the
 * harness unpacks it): every JSON shape arrives exactly, strings holding the packing's own characters included, and
 * the depth limit (200 levels below the top-level object or array) is the one that applies, with its own error
 * rather than Python's RecursionError, for arguments and for trace values alike.
 */
class PythonArgumentCopyTest {
    private static final String DUMP = """
            import json
            from mlflow.entities import Feedback

            def dump(outputs):
                return Feedback(value=json.dumps(outputs, sort_keys=True, ensure_ascii=True),
                                rationale=type(outputs).__name__)
            """;
    private static PythonScorer dump;

    @BeforeAll
    static void load() {
        dump = TestSandboxes.scorer("dump", DUMP, Isolation.IN_PROCESS);
    }

    private static Feedback dumped(Object outputs) throws Exception {
        Feedback f = (Feedback) dump.score(ScorerInput.ofRecord(Map.of(), outputs, null));
        assertThat(f.error()).as("%s", f).isNull();
        return f;
    }

    private static Object nested(int containers) {
        Object v = "leaf";
        for (int i = 0; i < containers; i++) {
            v = i % 2 == 0 ? List.of(v) : Map.of("k", v);
        }
        return v;
    }

    @Test
    void everyJsonShape_arrivesExactly() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "text");
        m.put("empty", "");
        m.put("long", Long.MAX_VALUE);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("double", 0.1);
        m.put("huge", 1.7976931348623157e308);
        m.put("negzero", -0.0);
        m.put("decimal", new BigDecimal("2.5"));
        m.put("t", true);
        m.put("f", false);
        m.put("none", null);
        m.put("emptyMap", Map.of());
        m.put("emptyList", List.of());
        List<Object> mixed = new ArrayList<>();
        mixed.add(1L);
        mixed.add(null);
        mixed.add("x");
        mixed.add(Map.of("a", List.of()));
        m.put("list", mixed);
        m.put("unicode", "é\u4e2d\ud83d\ude00");
        assertThat(dumped(m).value()).isEqualTo("{\"big\": 123456789012345678901234567890, \"decimal\": 2.5, "
                + "\"double\": 0.1, \"empty\": \"\", \"emptyList\": [], \"emptyMap\": {}, \"f\": false, "
                + "\"huge\": 1.7976931348623157e+308, \"list\": [1, null, \"x\", {\"a\": []}], \"long\": "
                + "9223372036854775807, \"negzero\": -0.0, \"none\": null, \"s\": \"text\", \"t\": true, "
                + "\"unicode\": \"\\u00e9\\u4e2d\\ud83d\\ude00\"}");
        assertThat(dumped(Map.of()).value()).isEqualTo("{}");
        assertThat(dumped(List.of()).value()).isEqualTo("[]");
        assertThat(dumped(List.of("a", "", "b")).value()).isEqualTo("[\"a\", \"\", \"b\"]");
        assertThat(dumped(Map.of("k", "")).value()).isEqualTo("{\"k\": \"\"}");
    }

    @Test
    void stringsHoldingTheSeparator_orStartingWithTheMark_arriveExactly() throws Exception {
        assertThat(dumped(Map.of("a\u0000b", "c\u0000")).value()).isEqualTo("{\"a\\u0000b\": \"c\\u0000\"}");
        assertThat(dumped(List.of("\u0000", "\u0001x")).value()).isEqualTo("[\"\\u0000\", \"\\u0001x\"]");
        assertThat(dumped(Map.of("n", 1L, "s", "\u0000\u0001\u0002")).value())
                .isEqualTo("{\"n\": 1, \"s\": \"\\u0000\\u0001\\u0002\"}");
        Feedback scalar = dumped("\u0000D\u0000k\u0000v");
        assertThat(scalar.value()).isEqualTo("\"\\u0000D\\u0000k\\u0000v\"");
        assertThat(scalar.rationale()).isEqualTo("str");
        assertThat(dumped("plain").value()).isEqualTo("\"plain\"");
        assertThat(dumped(3L).value()).isEqualTo("3");
    }

    @Test
    void aStringHoldingEveryCharacter_fallsBackToTheProxyCopy() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MIN_SURROGATE; c++) {
            all.append(c);
        }
        for (int c = Character.MAX_SURROGATE + 1; c <= Character.MAX_VALUE; c++) {
            all.append((char) c);
        }
        Feedback f = (Feedback) TestSandboxes.scorer("len", """
                from mlflow.entities import Feedback

                def length(outputs):
                    try:
                        outputs["x"] = 1
                        written = "allowed"
                    except TypeError as e:
                        written = str(e)
                    return Feedback(value=[len(outputs["all"]), outputs["all"][:3], written])
                """, Isolation.IN_PROCESS).score(ScorerInput.ofRecord(Map.of(), Map.of("all", all.toString()), null));
        assertThat(f.error()).as("%s", f).isNull();
        List<?> v = (List<?>) f.value();
        assertThat(v).hasSize(3);
        assertThat(v.get(0)).isEqualTo((long) all.length());
        assertThat(v.get(1)).isEqualTo("\u0000\u0001\u0002");
        assertThat((String) v.get(2)).contains("read-only");
    }

    @Test
    void argumentAtTheDepthLimit_isCopied_oneLevelDeeper_failsWithTheLimitsError() throws Exception {
        // 201 containers: the innermost is 200 levels below the top-level one, the limit.
        assertThat((String) dumped(nested(201)).value()).startsWith("[{\"k\": [{\"k\": [").contains("\"leaf\"");

        Feedback tooDeep = (Feedback) dump.score(ScorerInput.ofRecord(Map.of(), nested(202), null));
        assertThat(tooDeep.error()).as("%s", tooDeep).isNotNull();
        assertThat(tooDeep.error().code()).isEqualTo("ValueError");
        assertThat(tooDeep.error().message()).contains("nested deeper than 200 levels")
                .contains("at most 200 levels below the top-level one");

        // as deep as a Java value may be (Json.MAX_DEPTH): still the sandbox's limit that says no
        Feedback muchTooDeep = (Feedback) dump.score(ScorerInput.ofRecord(Map.of(), nested(Json.MAX_DEPTH), null));
        assertThat(muchTooDeep.error().code()).isEqualTo("ValueError");
        // deeper than that, no scorer input can be made at all: Java refuses it where the value is frozen
        assertThatThrownBy(() -> ScorerInput.ofRecord(Map.of(), nested(1_000), null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nested more than 500 levels deep");
    }

    @Test
    void traceValueAtTheDepthLimit_isCopied_oneLevelDeeper_failsWithTheLimitsError() throws Exception {
        PythonScorer s = TestSandboxes.scorer("span_outputs", """
                import json
                from mlflow.entities import Feedback

                def span_outputs(trace):
                    return Feedback(value=json.dumps(trace.data.spans[0].outputs)[:20])
                """, Isolation.IN_PROCESS);
        Feedback ok = (Feedback) s.score(ScorerInput.of(trace(nested(201))));
        assertThat(ok.error()).as("%s", ok).isNull();
        assertThat(ok.value()).isEqualTo("[{\"k\": [{\"k\": [{\"k\":");

        Feedback tooDeep = (Feedback) s.score(ScorerInput.of(trace(nested(202))));
        assertThat(tooDeep.error()).as("%s", tooDeep).isNotNull();
        assertThat(tooDeep.error().code()).isEqualTo("ValueError");
        assertThat(tooDeep.error().message()).contains("nested deeper than 200 levels");
    }

    @Test
    void onlyTheArgumentsTheScorerTakes_areCopied_forFunctionAndClassScorers() throws Exception {
        PythonScorer fn = TestSandboxes.scorer("exp_only", """
                def exp_only(expectations):
                    return expectations["e"]
                """, Isolation.IN_PROCESS);
        PythonScorer cls = TestSandboxes.scorer("cls", """
                from mlflow.genai.scorers import Scorer

                class InOut(Scorer):
                    def __call__(self, *, inputs, outputs):
                        return isinstance(inputs, dict) and inputs["q"] == "x" and outputs == ["o"]

                cls = InOut()
                """, Isolation.IN_PROCESS);
        // The inputs the first scorer does not take are too deep to copy: not copying them is what lets it run.
        ScorerInput in = ScorerInput.ofRecord(nested(300), List.of("o"), Map.of("e", "yes"));
        assertThat(fn.score(in)).isEqualTo("yes");
        assertThat(cls.score(ScorerInput.ofRecord(Map.of("q", "x"), List.of("o"), Map.of("e", "yes"))))
                .isEqualTo(true);
    }

    private static Trace trace(Object outputs) {
        Span root = Span.builder().traceId("tr-deep").spanId("root").name("agent").spanType("AGENT")
                .startTimeUnixNano(1_000).endTimeUnixNano(2_000).status(SpanStatus.OK)
                .inputs(Map.of("query", "q")).outputs(outputs).build();
        TraceInfo info = TraceInfo.builder().traceId("tr-deep").experimentId("1")
                .requestTime(Instant.parse("2025-06-01T10:00:00Z")).executionDurationMs(1L).build();
        return new Trace(info, List.of(root));
    }
}
