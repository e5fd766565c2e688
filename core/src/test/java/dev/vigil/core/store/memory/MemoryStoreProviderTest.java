package dev.vigil.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryStoreProviderTest {

    @Test
    void stores_memoryScheme_foundByServiceLoader() {
        assertThat(Stores.availableSchemes()).contains("memory");
        try (Store store = Stores.open("memory:")) {
            assertThat(store.describe()).isEqualTo("memory:");
            assertThat(store.experiments().list()).isEmpty();
        }
        try (Store named = Stores.open("MEMORY:demo")) {
            assertThat(named.describe()).isEqualTo("MEMORY:demo");
        }
    }

    @Test
    void stores_eachOpen_isANewEmptyStore() {
        try (Store a = Stores.open("memory:"); Store b = Stores.open("memory:")) {
            a.experiments().getOrCreate("only-in-a");
            assertThat(b.experiments().findByName("only-in-a")).isEmpty();
        }
    }

    @Test
    void stores_missingScheme_listsMemoryAsAvailableAndNamesTheArtifact() {
        assertThatThrownBy(() -> Stores.open("jdbc:h2:mem:x")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Available: memory:").hasMessageContaining("dev.vigil:vigil-storage-jdbc");
    }

    @Test
    void provider_otherScheme_rejected() {
        assertThatThrownBy(() -> new MemoryStoreProvider().open("fs:/tmp", StoreOptions.defaults()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("fs:/tmp");
    }

    @Test
    void scan_badFilterTree_rejectedBeforeReading() {
        try (Store store = Stores.open("memory:", StoreOptions.withClock(MutableClock.atDefaultStart()))) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            // a numeric attribute compared with a string: the compiler refuses it
            FilterExpr bad = new FilterExpr.Comparison(Field.attribute("timestamp_ms"), Operator.GT, List.of("soon"));
            assertThatThrownBy(() -> store.traces().scan(new TraceQuery(exp, null, null, bad), null, 10))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("timestamp_ms");
        }
    }

    @Test
    void scan_withAPluggedFilterCompiler_returnsOnlyMatchingTracesAcrossPages() {
        // any compiler can be plugged in; this one ignores the tree and keeps production traces
        MemoryStore store = new MemoryStore("memory:", MutableClock.atDefaultStart(),
                f -> t -> "production".equals(t.info().tags().get("environment")));
        try (store) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            List<Trace> traces = new TraceGenerator(2, exp).traces(60);
            store.traces().put(traces);
            FilterExpr filter = new FilterExpr.Comparison(Field.tag("environment"), Operator.EQ, List.of("production"));
            List<String> expected = traces.stream()
                    .filter(t -> "production".equals(t.info().tags().get("environment"))).map(Trace::traceId).toList();
            assertThat(expected).hasSizeBetween(30, 59);
            List<String> seen = new ArrayList<>();
            String token = null;
            for (int i = 0; i < 100; i++) {
                TracePage page = store.traces().scan(new TraceQuery(exp, null, null, filter), token, 7);
                page.traces().forEach(t -> seen.add(t.traceId()));
                token = page.nextPageToken();
                if (token == null) {
                    break;
                }
            }
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }
}
