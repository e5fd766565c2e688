package dev.vigil.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.Await;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.engine.internal.TestScorers;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Backfill defers transient failures to the store's retry queue, like the monitoring engine: no error rows. */
class BackfillDeferralTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = MutableClock.atDefaultStart();
    private final AtomicLong ticker = new AtomicLong();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static List<Assessment> feedback(ExperimentHandle exp, String traceId, String scorer) {
        return exp.assessments(traceId).stream().filter(a -> scorer.equals(a.scorerName())).toList();
    }

    @Test
    void transientFailures_inABackfill_arePendingNotErrors_andAnEngineScoresThemLater() {
        Store store = Stores.open("memory:", StoreOptions.withClock(clock));
        toClose.add(store);
        Vigil vigil = Vigil.builder().store(store).clock(clock).ticker(ticker::get).pauser(d -> { })
                .pollInterval(Duration.ofMillis(20)).leaseTtl(Duration.ofSeconds(5)).backfillPageSize(10).backfillParallelism(1)
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10)).build();
        toClose.add(vigil);
        ExperimentHandle exp = vigil.experiment("shop");
        List<Trace> traces = new TraceGenerator(31, exp.id(), START, Duration.ofSeconds(1)).traces(30);
        exp.log(traces);
        // every third trace meets an overloaded provider (503) until the outage ends; one run at a time, so the
        // successes between them keep the provider's breaker closed
        Set<String> flaky = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < traces.size(); i += 3) {
            flaky.add(traces.get(i).traceId());
        }
        exp.scorers().register(TestScorers.of("judge", Scorer.Workload.IO, in -> {
            if (flaky.contains(in.trace().traceId())) {
                throw new JudgeException(FailureKind.OVERLOADED, "503 overloaded", 503, null);
            }
            if (in.trace().traceId().equals(traces.get(1).traceId())) {
                throw new JudgeException(FailureKind.BAD_REQUEST, "context too long", 400, null);
            }
            return "yes";
        })).start(SamplingConfig.of(1.0));

        String job = exp.backfill(START, START.plusSeconds(3600), "judge");
        Await.until("backfill finished", () -> exp.backfillProgress(job).status().isTerminal(),
                () -> exp.backfillProgress(job));
        BackfillProgress p = exp.backfillProgress(job);
        assertThat(p.deferred()).isEqualTo(10);
        assertThat(p.failed()).isEqualTo(1); // the permanent failure only
        assertThat(p.scored()).isEqualTo(19);
        for (String id : flaky) {
            assertThat(feedback(exp, id, "judge")).as("no error row for a transient failure").isEmpty();
        }
        assertThat(feedback(exp, traces.get(1).traceId(), "judge").get(0).feedback().error().code())
                .isEqualTo("BAD_REQUEST");
        List<PendingRetry> pending = store.retries().list(exp.id(), "judge", 1, 100);
        assertThat(pending).hasSize(10).allSatisfy(r -> {
            assertThat(r.lastKind()).isEqualTo(FailureKind.OVERLOADED);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        });

        // the outage ends; a monitoring engine takes the due pairs from the same queue
        flaky.clear();
        vigil.startMonitoring();
        clock.advance(Duration.ofSeconds(31));
        Await.until("deferred pairs scored", () -> traces.stream()
                .allMatch(t -> feedback(exp, t.traceId(), "judge").size() == 1));
        // time passes: a pair claimed while the tail was scoring the same trace is dropped by the drain and only
        // comes back (already scored, so removed) once its claim lapses, four scorer timeouts later
        Await.until("queue drained", () -> {
            if (store.retries().count(exp.id(), "judge", 1) == 0) {
                return true;
            }
            clock.advance(Duration.ofSeconds(10));
            return false;
        });
        for (int i = 0; i < traces.size(); i += 3) {
            assertThat(feedback(exp, traces.get(i).traceId(), "judge").get(0).feedback().value()).isEqualTo("yes");
        }
    }
}
