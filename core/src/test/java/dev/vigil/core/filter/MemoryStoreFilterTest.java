package dev.vigil.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory store applies filters with the compiled filter language. */
class MemoryStoreFilterTest {

    @Test
    void memoryStoreScan_returnsOnlyTracesMatchingTheFilter() {
        try (Store store = Stores.open("memory:")) {
            String exp = store.experiments().getOrCreate("filters").experimentId();
            List<Trace> traces = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                traces.add(new Trace(TraceInfo.builder().traceId("tr-" + i).experimentId(exp)
                        .requestTime(Instant.ofEpochMilli(1000L + i)).executionDurationMs(100L * i)
                        .tag("env", i % 2 == 0 ? "prod" : "dev").build(), List.of()));
            }
            store.traces().put(traces);
            TraceQuery q = new TraceQuery(exp, null, null,
                    TraceFilter.parse("tags.env = 'prod' AND attributes.execution_time_ms >= 400").expr());
            TracePage page = store.traces().scan(q, null, 100);
            assertThat(page.traces()).extracting(Trace::traceId).containsExactlyInAnyOrder("tr-4", "tr-6", "tr-8");
        }
    }
}
