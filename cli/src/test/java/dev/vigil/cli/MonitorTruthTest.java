package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ExperimentStore;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vigil monitor} tells the truth: a tail loop that keeps failing shows as failing and exits non-zero. */
class MonitorTruthTest {

    private final Store real = Stores.open("memory:");

    @AfterEach
    void close() {
        real.close();
    }

    /** The real store, except that reading arrivals always fails, as a store with a poisoned row once did. */
    private record TailFails(Store store) implements Store {
        @Override
        public ExperimentStore experiments() {
            return store.experiments();
        }

        @Override
        public TraceStore traces() {
            TraceStore t = store.traces();
            return new TraceStore() {
                @Override
                public void put(List<Trace> traces) {
                    t.put(traces);
                }

                @Override
                public Optional<Trace> get(String traceId) {
                    return t.get(traceId);
                }

                @Override
                public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
                    return t.scan(query, pageToken, maxResults);
                }

                @Override
                public List<TailEntry> tail(long afterSequence, int limit) {
                    throw new StoreException("not valid JSON: String value length (20009774) exceeds the maximum");
                }

                @Override
                public long count(String experimentId) {
                    return t.count(experimentId);
                }
            };
        }

        @Override
        public AssessmentStore assessments() {
            return store.assessments();
        }

        @Override
        public ScorerStore scorers() {
            return store.scorers();
        }

        @Override
        public JobStore jobs() {
            return store.jobs();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            // the test closes the real store
        }
    }

    @Test
    void monitor_whoseTailLoopKeepsFailing_showsFailingAndExitsNonZero() {
        Cli cli = Cli.on(new TailFails(real));
        Cli.Result r = cli.run("monitor", "--duration", "3s", "--status-every", "1s");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("FAILING (").contains("not valid JSON")
                .contains("Stopped after errors: the tail loop was failing").doesNotContain("Stopped cleanly");
    }

    @Test
    void monitor_onAHealthyStore_stillStopsCleanlyWithZero() {
        Cli.Result r = Cli.on(real).run("monitor", "--duration", "2s", "--status-every", "1s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Stopped cleanly").doesNotContain("FAILING");
    }
}
