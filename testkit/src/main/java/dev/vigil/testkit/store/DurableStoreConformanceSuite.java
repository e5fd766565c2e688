package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanEvent;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite for durable backends: everything in {@link StoreConformanceSuite}, plus a store closed and
 * opened again keeps every trace, assessment, scorer, job, cursor and lease, and goes on working.
 *
 * <pre>{@code
 * class FsStoreConformanceTest extends DurableStoreConformanceSuite {
 *     protected Store openStore(Clock clock) { return Stores.open(uri, StoreOptions.withClock(clock)); }
 *     protected Store reopenStore(Clock clock) { return Stores.open(uri, StoreOptions.withClock(clock)); }
 * }
 * }</pre>
 */
public abstract class DurableStoreConformanceSuite extends StoreConformanceSuite {

    /**
     * Opens again the store last returned by {@link #openStore(Clock)}, after the suite closed it.
     *
     * @param clock the clock to open it with
     * @return the reopened store
     */
    protected abstract Store reopenStore(Clock clock);

    @Test
    void reopen_durableStore_keepsEverything() {
        String exp = experiment("durable").experimentId();
        List<Trace> traces = new TraceGenerator(9, exp).traces(10);
        store.traces().put(traces);
        Assessment a = store.assessments().upsertScorerFeedback(
                List.of(scorerFeedback(traces.get(0).traceId(), "relevance", "rel", 1, "yes"))).get(0);
        ScorerVersion s = store.scorers().create(scorerV(exp, "s", 1));
        Job j = store.jobs().create(job(exp, "job-1", T0));
        store.jobs().saveCursor("engine.tail", 7);
        Lease lease = store.jobs().tryAcquire("r", "engine-a", Duration.ofMinutes(5)).orElseThrow();
        List<TailEntry> tail = store.traces().tail(0, 100);
        store.close();
        store = reopenStore(clock);
        assertThat(store.experiments().findByName("durable").orElseThrow().experimentId()).isEqualTo(exp);
        for (int i = 0; i < traces.size(); i++) {
            Trace expected = i == 0 ? traces.get(i).withAssessments(List.of(a)) : traces.get(i);
            assertThat(store.traces().get(traces.get(i).traceId())).contains(expected);
        }
        assertThat(store.traces().tail(0, 100)).containsExactlyElementsOf(tail);
        assertThat(store.scorers().get(exp, "s", 1)).contains(s);
        assertThat(store.jobs().get("job-1")).contains(j);
        assertThat(store.jobs().cursor("engine.tail")).isEqualTo(OptionalLong.of(7));
        assertThat(store.jobs().tryAcquire("r", "engine-b", Duration.ofMinutes(5))).as("lease survives").isEmpty();
        assertThat(store.jobs().renew(lease, Duration.ofMinutes(5))).isPresent();
        // and it keeps working: sequences continue past the old ones
        store.traces().put(List.of(simpleTrace(exp, "tr-after-reopen", ms(0))));
        List<TailEntry> after = store.traces().tail(tail.get(tail.size() - 1).sequence(), 10);
        assertThat(after).extracting(e -> e.trace().traceId()).containsExactly("tr-after-reopen");
    }
}
