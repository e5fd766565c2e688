package dev.vigil.spi.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.LimitExceededException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteLimitsTest {

    @Test
    void jsonChars_countsStringsKeysAndSeparators() {
        assertThat(WriteLimits.jsonChars("abc")).isEqualTo(5);
        assertThat(WriteLimits.jsonChars(Map.of("k", List.of(1, "x")))).isEqualTo(2 + 1 + 4 + (2 + 1 + 1 + 1 + 3));
        assertThat(WriteLimits.jsonChars(null)).isEqualTo(4);
    }

    @Test
    void check_fiftyMegabyteValue_isRefusedWithItsSize() {
        Assessment a = Assessment.builder().name("big").traceId("tr-1").source(AssessmentSource.code("s"))
                .createTime(java.time.Instant.EPOCH)
                .feedback("x".repeat(50 * 1024 * 1024)).build();
        assertThatThrownBy(() -> WriteLimits.DEFAULTS.check(a))
                .isInstanceOf(LimitExceededException.class)
                .hasMessage("value of assessment 'big' on trace tr-1 is 52428802 characters; the limit is 1048576"
                        + " (see \"Limits on what is stored\" in the README)")
                .satisfies(e -> assertThat(((LimitExceededException) e).size()).isEqualTo(52_428_802L));
    }

    @Test
    void check_longIdInMessage_isShortened() {
        assertThatThrownBy(() -> WriteLimits.DEFAULTS.id("trace id", "t".repeat(100_000)))
                .hasMessageStartingWith("trace id is 100000 characters");
        assertThat(WriteLimits.shortId("t".repeat(100))).endsWith("…(100 chars)").hasSizeLessThan(70);
    }

    @Test
    void limits_mustBePositive() {
        assertThatThrownBy(() -> new WriteLimits(0, 1, 1, 1, 1, 1, 1, 1, 1, 1))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void readTrace_executionDurationOf1e30_isRefusedNotWrappedAround() {
        String json = "{\"info\":{\"trace_id\":\"tr-1\",\"trace_location\":{\"type\":\"MLFLOW_EXPERIMENT\","
                + "\"mlflow_experiment\":{\"experiment_id\":\"1\"}},\"request_time\":\"2026-01-01T00:00:00Z\","
                + "\"execution_duration_ms\":1e30,\"state\":\"OK\"},\"data\":{\"spans\":[]}}";
        assertThatThrownBy(() -> MlflowJson.readTrace(json))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"execution_duration_ms\" must be an integer between");
    }

    @Test
    void readTrace_fractionalDuration_isCutToWholeMilliseconds() {
        String json = "{\"info\":{\"trace_id\":\"tr-1\",\"trace_location\":{\"type\":\"MLFLOW_EXPERIMENT\","
                + "\"mlflow_experiment\":{\"experiment_id\":\"1\"}},\"request_time\":\"2026-01-01T00:00:00Z\","
                + "\"execution_duration_ms\":12.7,\"state\":\"OK\"},\"data\":{\"spans\":[]}}";
        assertThat(MlflowJson.readTrace(json).info().executionDurationMs()).isEqualTo(12L);
    }

    private static dev.vigil.spi.model.Trace trace(String tagKey, String tagValue, dev.vigil.spi.model.Span span) {
        dev.vigil.spi.model.TraceInfo info = dev.vigil.spi.model.TraceInfo.builder().traceId("tr-1").experimentId("1")
                .requestTime(java.time.Instant.EPOCH).tag(tagKey, tagValue).build();
        return new dev.vigil.spi.model.Trace(info, List.of(span));
    }

    private static dev.vigil.spi.model.Span.Builder span() {
        return dev.vigil.spi.model.Span.builder().traceId("tr-1").spanId("s1").name("chat");
    }

    @Test
    void checkTrace_fieldOverItsLimit_isNamedWithItsSpanAndTrace() {
        WriteLimits small = new WriteLimits(16, 8, 100, 100, 10, 100, 100, 20, 1000, 1000);
        assertThatThrownBy(() -> small.check(trace("env", "prod", span().name("a-long-span-name").build())))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("span name of span s1 of trace tr-1 is 16 characters; the limit is 8");
        assertThatThrownBy(() -> small.check(trace("env", "prod", span().attribute("big", "x".repeat(30)).build())))
                .hasMessageStartingWith("attribute 'big' of span s1 of trace tr-1 is 32 characters; the limit is 20");
        assertThatThrownBy(() -> small.check(trace("env", "prod", span().inputs("x".repeat(30)).build())))
                .hasMessageStartingWith("inputs of span s1 of trace tr-1 is 32 characters; the limit is 20");
        assertThatThrownBy(() -> small.check(trace("env", "production!", span().build())))
                .hasMessageStartingWith("tag of trace tr-1 'env' is 11 characters; the limit is 10");
        assertThatThrownBy(() -> small.check(trace("environment", "prod", span().build())))
                .hasMessageStartingWith("tag of trace tr-1 key is 11 characters; the limit is 8");
        assertThatThrownBy(() -> small.check(trace("env", "prod", span().attribute("attribute-key", 1L).build())))
                .hasMessageStartingWith("attribute name of span s1 of trace tr-1 is 13 characters; the limit is 8");
        small.check(trace("env", "prod", span().attribute("k", "x".repeat(10)).build()));
    }

    @Test
    void jsonChars_ofAFrozenValue_isCountedOnceAndEqualsTheCountOfThePlainValue() {
        Map<String, Object> plain = new java.util.LinkedHashMap<>();
        plain.put("messages", List.of(Map.of("role", "user", "content", "Capital of France?"), 42L, 1.5, true));
        plain.put("none", null);
        plain.put("nested", Map.of("k", List.of("a", "b")));
        Object frozen = dev.vigil.spi.json.Json.freeze(plain);

        long expected = WriteLimits.jsonChars(plain);
        // {} 2 + "messages" (8 + 4 + [2 + {47} 48 + 42 3 + 1.5 4 + true 5]) + "none" 12 + "nested" (6 + 4 + 17)
        assertThat(expected).isEqualTo(115);
        assertThat(WriteLimits.jsonChars(frozen)).isEqualTo(expected);
        assertThat(WriteLimits.jsonChars(frozen)).as("remembered").isEqualTo(expected);
        assertThat(WriteLimits.jsonChars(((Map<?, ?>) frozen).get("messages")))
                .isEqualTo(WriteLimits.jsonChars(plain.get("messages")));
    }
}
