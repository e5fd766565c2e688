package dev.vigil.spi.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default {@link TraceStore#count(TraceQuery)} counts what the store's scan returns, page by page. */
class TraceStoreCountTest {

    /** A store whose scan serves fixed traces in pages of 1000, passing the query through untouched. */
    private static final class PagedOnly implements TraceStore {
        final List<Trace> traces = new ArrayList<>();
        final List<TraceQuery> queries = new ArrayList<>();

        @Override
        public void put(List<Trace> batch) {
            traces.addAll(batch);
        }

        @Override
        public Optional<Trace> get(String traceId) {
            return Optional.empty();
        }

        @Override
        public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
            queries.add(query);
            int from = pageToken == null ? 0 : Integer.parseInt(pageToken);
            int to = Math.min(traces.size(), from + maxResults);
            return new TracePage(traces.subList(from, to), to < traces.size() ? Integer.toString(to) : null);
        }

        @Override
        public List<TailEntry> tail(long afterSequence, int limit) {
            return List.of();
        }

        @Override
        public long count(String experimentId) {
            return traces.size();
        }
    }

    private static Trace trace(int i) {
        TraceInfo info = TraceInfo.builder().traceId("tr-" + i).experimentId("e")
                .requestTime(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)).executionDurationMs(1L)
                .state(TraceState.OK).build();
        return new Trace(info, List.of());
    }

    @Test
    void defaultCount_acrossSeveralPages_countsEveryScannedTrace_withTheSameQuery() {
        PagedOnly store = new PagedOnly();
        for (int i = 0; i < 2_345; i++) {
            store.put(List.of(trace(i)));
        }
        TraceQuery q = new TraceQuery("e", Instant.EPOCH, Instant.parse("2027-01-01T00:00:00Z"), null);

        assertThat(store.count(q)).isEqualTo(2_345);
        assertThat(store.queries).hasSize(3).allSatisfy(x -> assertThat(x).isEqualTo(q));
    }

    @Test
    void defaultCount_ofAnEmptyScan_isZero() {
        assertThat(new PagedOnly().count(TraceQuery.all("e"))).isZero();
    }
}
