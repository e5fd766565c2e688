package dev.vigil.cli;

import dev.vigil.core.metrics.EngineStats;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The demo's wait after its application stops logging: until the engine has seen every logged trace, its queue is
 * empty and its cursor lag is 0 (every sampled trace scored, or deferred to the retry queue), showing progress on
 * the way. A busy machine only makes the wait longer: the bound is generous and only guards against a stuck
 * engine; Ctrl-C ends the wait at once.
 */
final class DemoDrain {

    /** The longest wait: far beyond any healthy drain, so that a slow machine still ends with every run scored. */
    static final Duration LIMIT = Duration.ofMinutes(10);

    /** How the wait ended. */
    enum Outcome { DRAINED, STOPPED, TIMED_OUT }

    private DemoDrain() {}

    /**
     * @param stats the experiment's engine counters now
     * @param logged how many traces the application logged
     * @return true when the engine has nothing left of them
     */
    static boolean drained(EngineStats.Snapshot stats, long logged) {
        return stats.tracesSeen() >= logged && stats.queueDepth() == 0 && stats.cursorLag() == 0;
    }

    /**
     * @param stats reads the engine's counters
     * @param logged how many traces the application logged
     * @param stopped whether Ctrl-C/SIGTERM was requested
     * @param pause waits this many milliseconds (returns early on a stop)
     * @param nanoTime the ticker
     * @param limit the longest wait
     * @param progress shown every turn while waiting
     * @return how the wait ended
     */
    static Outcome await(Supplier<EngineStats.Snapshot> stats, long logged, BooleanSupplier stopped,
            LongConsumer pause, LongSupplier nanoTime, Duration limit, Consumer<EngineStats.Snapshot> progress) {
        long deadline = nanoTime.getAsLong() + limit.toNanos();
        while (true) {
            if (stopped.getAsBoolean()) {
                return Outcome.STOPPED;
            }
            EngineStats.Snapshot snap = stats.get();
            if (drained(snap, logged)) {
                return Outcome.DRAINED;
            }
            if (nanoTime.getAsLong() - deadline >= 0) {
                return Outcome.TIMED_OUT;
            }
            progress.accept(snap);
            pause.accept(200);
        }
    }
}
