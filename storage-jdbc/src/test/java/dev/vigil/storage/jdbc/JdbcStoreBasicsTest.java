package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcStoreBasicsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456789Z"), ZoneOffset.UTC);

    static Trace trace(String id, String experimentId, Instant time, Map<String, String> tags) {
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(time)
                .executionDurationMs(42L).state(TraceState.OK).requestPreview("q " + id).responsePreview("a")
                .tags(tags).traceMetadata("mlflow.traceName", "chat").build();
        Span root = new Span(id, "span-" + id, null, "root", time.toEpochMilli() * 1_000_000L,
                time.toEpochMilli() * 1_000_000L + 42_000_000L, SpanStatus.UNSET, "CHAIN", Map.of("q", "hi"),
                Map.of("a", List.of(1L, 2.5, "x")), Map.of("k", "v"), List.of());
        return new Trace(info, List.of(root));
    }

    static Assessment feedback(String traceId, String scorer, int version, Object value) {
        return Assessment.builder().name("quality").traceId(traceId)
                .source(new AssessmentSource(AssessmentSourceType.CODE, scorer)).createTime(CLOCK.instant())
                .feedback(value).metadata(Assessment.METADATA_SCORER_NAME, scorer)
                .metadata(Assessment.METADATA_SCORER_VERSION, String.valueOf(version)).build();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void storedTrace_readsBackEqual_withItsAssessments(Dialect dialect) {
        try (JdbcStore store = TestDatabases.open(dialect, CLOCK)) {
            Experiment e = store.experiments().getOrCreate("exp");
            Trace t = trace("tr-1", e.experimentId(), Instant.parse("2026-01-01T00:00:00.123456Z"), Map.of("a", "b"));
            store.traces().put(List.of(t));
            Assessment stored = store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "s", 1, 0.5))).get(0);

            Trace read = store.traces().get("tr-1").orElseThrow();

            assertThat(read).isEqualTo(t.withAssessments(List.of(stored)));
            assertThat(store.describe()).startsWith("jdbc:" + (dialect == Dialect.POSTGRESQL ? "postgresql" : dialect.name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void upsertScorerFeedback_twice_keepsOneWithSameIdAndCreateTime(Dialect dialect) {
        try (JdbcStore store = TestDatabases.open(dialect, CLOCK)) {
            Experiment e = store.experiments().getOrCreate("exp");
            store.traces().put(List.of(trace("tr-1", e.experimentId(), Instant.EPOCH, Map.of())));
            Assessment first = store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "s", 1, "yes"))).get(0);
            Assessment again = store.assessments().upsertScorerFeedback(List.of(feedback("tr-1", "s", 1, "no")
                    .toBuilder().createTime(Instant.parse("2030-01-01T00:00:00Z")).build())).get(0);

            assertThat(again.assessmentId()).isEqualTo(first.assessmentId());
            assertThat(again.createTime()).isEqualTo(first.createTime());
            assertThat(store.assessments().listByTrace("tr-1")).extracting(a -> a.feedback().value())
                    .containsExactly("no");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void scan_pagesInTimeThenIdOrder_andTailFollowsArrival(Dialect dialect) {
        try (JdbcStore store = TestDatabases.open(dialect, CLOCK)) {
            Experiment e = store.experiments().getOrCreate("exp");
            List<Trace> traces = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                traces.add(trace("tr-" + (char) ('a' + (i * 7) % 25), e.experimentId(),
                        Instant.ofEpochMilli(1000L * (i % 5)), Map.of()));
            }
            store.traces().put(traces);
            List<String> seen = new ArrayList<>();
            String token = null;
            do {
                TracePage page = store.traces().scan(TraceQuery.all(e.experimentId()), token, 4);
                page.traces().forEach(t -> seen.add(t.info().timestampMs() + "/" + t.traceId()));
                token = page.nextPageToken();
            } while (token != null);

            assertThat(seen).hasSize(25).isSorted();
            List<TailEntry> tail = store.traces().tail(0, 100);
            assertThat(tail).extracting(TailEntry::sequence).isSorted().doesNotHaveDuplicates().hasSize(25);
            assertThatThrownBy(() -> store.traces().scan(TraceQuery.all(e.experimentId()), "garbage!", 4))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("page token");
        }
    }
}
