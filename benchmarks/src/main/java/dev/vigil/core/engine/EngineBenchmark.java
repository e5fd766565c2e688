package dev.vigil.core.engine;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.metrics.EngineMetrics;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The monitoring engine on the in-memory store with trivial Java scorers.
 *
 * <ul>
 *   <li>{@code engine}: scorer evaluations per second, end to end — traces logged (stored), tailed, filtered,
 *       sampled (rate 1), scored on the CPU pool, upserted as assessments, cursor committed — at 1, 5 and 20
 *       active scorers ({@code evaluations} counter, ops/s).</li>
 *   <li>{@code handWritten} (the reference): the lower bound on one thread — the same scorers called in a loop
 *       and their assessments upserted into the same store, no engine.</li>
 *   <li>{@code latency}: ingest-to-assessment time of one trace with one scorer (sample mode: p50, p99).</li>
 * </ul>
 * MLflow's own cadence, for comparison (not measurable here): a job once a minute scoring at most 500 traces per
 * run (OSS), "allow 15–20 minutes" (Databricks).
 */
@Fork(value = 1, jvmArgs = {"-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EngineBenchmark {

    private static final int BATCH = 2_000;

    /**
     * Counts scorer runs stored, and wakes the benchmark thread when the count reaches its target: the benchmark
     * thread parks instead of spinning, so on a 2-core machine it does not take a core from the engine it measures.
     */
    static final class Done implements EngineMetrics {
        final AtomicLong count = new AtomicLong();
        volatile long target = Long.MAX_VALUE;
        volatile Thread waiter;

        @Override
        public void scored(String scorer, long durationNanos) {
            counted(count.incrementAndGet());
        }

        @Override
        public void failed(String scorer, String code) {
            counted(count.incrementAndGet());
        }

        private void counted(long n) {
            if (n >= target) {
                Thread w = waiter;
                if (w != null) {
                    java.util.concurrent.locks.LockSupport.unpark(w);
                }
            }
        }

        /** Parks until the count reaches {@code until} (a 10 ms timeout re-checks, should a wake-up be missed). */
        void await(long until) {
            waiter = Thread.currentThread();
            target = until;
            while (count.get() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            target = Long.MAX_VALUE;
        }
    }

    /**
     * A fresh Vigil on an empty {@code memory:} store for every invocation, with {@code scorers} active trivial
     * scorers, started and idle before the timed call. Fresh per invocation, not per iteration: a store that grows
     * by a batch per call makes later calls slower than earlier ones (the store's maps, the heap the GC walks), so
     * the score depended on how many calls an iteration managed, and the error bars were as wide as the scores.
     * Building, starting and closing the Vigil is outside the measured time.
     */
    @State(Scope.Benchmark)
    public static class Engine {
        @Param({"1", "5", "20"})
        public int scorers;

        Vigil vigil;
        ExperimentHandle exp;
        Done done;
        long seed;
        List<Trace> next;

        @Setup(Level.Invocation)
        public void start() {
            done = new Done();
            vigil = Vigil.builder().store("memory:").clock(Clock.systemUTC()).metrics(done)
                    .maxInFlight(50_000).batchSize(5_000).build();
            exp = vigil.experiment("bench");
            for (int i = 0; i < scorers; i++) {
                exp.scorers().register(Scorers.code("s" + i, in -> true)).start(SamplingConfig.of(1.0));
            }
            vigil.startMonitoring();
            if (!vigil.awaitIdle(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the engine did not take its partitions within 30 s");
            }
            next = new TraceGenerator(++seed * 7919 + scorers, exp.id()).traces(BATCH);
        }

        @TearDown(Level.Invocation)
        public void stop() {
            vigil.close();
        }
    }

    /** The evaluations counter reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Evaluations {
        /** Scorer evaluations completed. */
        public long evaluations;
    }

    /**
     * Logs a batch of traces and waits until every scorer has scored every one.
     *
     * @param e the engine
     * @param counter evaluations
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void engine(Engine e, Evaluations counter) {
        long target = e.done.count.get() + (long) BATCH * e.scorers;
        e.exp.log(e.next);
        e.done.await(target);
        counter.evaluations += (long) BATCH * e.scorers;
    }

    /**
     * The reference: the same scorers and upserts on one thread, no engine; like {@link Engine}, a fresh empty
     * {@code memory:} store for every invocation, opened and closed outside the measured time.
     */
    @State(Scope.Benchmark)
    public static class Direct {
        @Param({"1", "5", "20"})
        public int scorers;

        Store store;
        String experimentId;
        List<Scorer> scorerList;
        long seed;
        List<Trace> next;

        @Setup(Level.Trial)
        public void scorers() {
            scorerList = new ArrayList<>();
            for (int i = 0; i < scorers; i++) {
                scorerList.add(Scorers.code("s" + i, in -> true));
            }
        }

        @Setup(Level.Invocation)
        public void start() {
            store = Stores.open("memory:");
            experimentId = store.experiments().getOrCreate("bench").experimentId();
            next = new TraceGenerator(++seed * 7919 + scorers, experimentId).traces(BATCH);
        }

        @TearDown(Level.Invocation)
        public void stop() {
            store.close();
        }
    }

    /**
     * Stores the batch, runs each scorer on each trace and upserts the assessments, on this thread.
     *
     * @param d state
     * @param counter evaluations
     * @throws Exception never for these scorers
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void handWritten(Direct d, Evaluations counter) throws Exception {
        d.store.traces().put(d.next);
        java.time.Instant now = java.time.Instant.now();
        List<Assessment> out = new ArrayList<>(64);
        for (Trace t : d.next) {
            ScorerInput in = ScorerInput.of(t);
            for (Scorer s : d.scorerList) {
                long t0 = System.nanoTime();
                Object v = s.score(in);
                out.add(FeedbackAssessment.of(dev.vigil.spi.scorer.Feedback.of(v).withName(s.name()), s, s.name(),
                        1, t.traceId(), System.nanoTime() - t0, 1.0, now));
                if (out.size() == 64) {
                    d.store.assessments().upsertScorerFeedback(out);
                    out = new ArrayList<>(64);
                }
            }
        }
        if (!out.isEmpty()) {
            d.store.assessments().upsertScorerFeedback(out);
        }
        counter.evaluations += (long) BATCH * d.scorers;
    }

    /** One trace at a time, one scorer: ingest-to-assessment latency. */
    @State(Scope.Benchmark)
    public static class Single {
        Vigil vigil;
        ExperimentHandle exp;
        Done done;
        TraceGenerator generator;
        Trace next;

        @Setup(Level.Iteration)
        public void start() {
            done = new Done();
            vigil = Vigil.builder().store("memory:").metrics(done).pollInterval(Duration.ofMillis(100)).build();
            exp = vigil.experiment("bench");
            exp.scorers().register(Scorers.code("s", in -> true)).start(SamplingConfig.of(1.0));
            vigil.startMonitoring();
            generator = new TraceGenerator(11, exp.id());
        }

        @Setup(Level.Invocation)
        public void trace() {
            next = generator.next();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            vigil.close();
        }
    }

    /**
     * Logs one trace and waits for its assessment to be stored.
     *
     * @param s state
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency(Single s) {
        long target = s.done.count.get() + 1;
        s.exp.log(s.next);
        while (s.done.count.get() < target) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
