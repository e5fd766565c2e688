package dev.vigil.python.internal;

import com.sun.management.ThreadMXBean;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;

/**
 * Python scorers in this JVM: one shared GraalPy {@link Engine} under {@link SandboxPolicy#CONSTRAINED} and a pool
 * of worker threads, each owning one context (a Python context is single-threaded; pinning it to a thread avoids
 * re-entering it from many). A caller hands its call to a worker and waits; the waiting caller is also the call's
 * watchdog: past the time budget, or when the worker thread's allocated bytes pass the allocation budget, it
 * returns an error feedback at once and a reaper interrupts the context, then closes it, and the worker builds a
 * fresh one. A call's time budget starts when its worker starts running the scorer: building a context (after a
 * replaced one) and loading the scorer's source come first, under the load budget. A worker stuck in an operation
 * that ignores both (an intrinsic such as {@code sum(range(10**12))}) is written off: a new worker takes its place
 * so the pool keeps its capacity, and the scorer is reported through {@code onWrittenOff} to be quarantined.
 *
 * <p>This class is the call path (hand-off to a worker through the queue, and the waiting caller's watchdog);
 * {@link GuestEngine} builds the shared engine, {@link ContextPool} starts and replaces the workers
 * ({@link ContextWorker}), and {@link CallStopper} ends the calls the watchdog aborted.
 */
public final class InProcessRuntime implements ScorerRuntime {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long WATCH_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long a caller spins for its result before parking, when recent calls were that short. Bounded by time,
     * not by a count of spins (a spin's length varies 10x between CPUs), and kept short: on an oversubscribed machine
     * a spinning caller takes the core that its worker, or the Truffle compiler, needs.
     */
    static final long CALLER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    private final SandboxSettings settings;
    private final Engine engine;
    private final Source harness;
    private final LinkedTransferQueue<InProcessCall> queue = new LinkedTransferQueue<>();
    private final ContextPool pool;
    private final CallStopper stopper;
    /** 1 while a worker spins for the next call: at most one idle worker spins, the others park at once. */
    private final AtomicInteger spinningWorkers = new AtomicInteger();
    /** A moving average of recent calls' run time, in ns: callers do not spin for calls longer than their spin. */
    private volatile long recentCallNanos;
    private final boolean optimizing;
    private volatile boolean closed;

    /** @param settings the sandbox settings */
    public InProcessRuntime(SandboxSettings settings) {
        this(settings, false);
    }

    /**
     * @param settings the sandbox settings
     * @param settleBeforeReturning if true, a call that overran returns only once it is stopped or written off
     *     (a worker process answers only when it knows whether it can go on)
     */
    public InProcessRuntime(SandboxSettings settings, boolean settleBeforeReturning) {
        this.settings = settings;
        GuestEngine guest = GuestEngine.open(settings);
        this.engine = guest.engine();
        this.harness = guest.harness();
        this.optimizing = guest.optimizing();
        this.pool = new ContextPool(this);
        this.stopper = new CallStopper(settings, pool, settleBeforeReturning);
        for (int i = 0; i < settings.contexts(); i++) {
            pool.startWorker();
        }
    }

    SandboxSettings settings() {
        return settings;
    }

    Engine engine() {
        return engine;
    }

    Source harness() {
        return harness;
    }

    LinkedTransferQueue<InProcessCall> queue() {
        return queue;
    }

    boolean isClosed() {
        return closed;
    }

    /** @return true if the calling worker may spin for the next call (then it must call {@link #stopSpinning}) */
    boolean tryStartSpinning() {
        return spinningWorkers.get() == 0 && spinningWorkers.compareAndSet(0, 1);
    }

    void stopSpinning() {
        spinningWorkers.set(0);
    }

    /** Records how long a scorer call ran (moving average over about the last eight calls; races are harmless). */
    void recordCall(long nanos) {
        long avg = recentCallNanos;
        recentCallNanos = avg + ((nanos - avg) >> 3);
    }

    /** @return true if the optimizing Truffle runtime compiles the scorers */
    public boolean optimizing() {
        return optimizing;
    }

    /** @return how many worker threads were written off since start */
    public int writtenOffThreads() {
        return pool.writtenOff();
    }

    @Override
    public Analysis analyze(String name, String source, String entry) {
        InProcessCall c = new InProcessCall(new ScorerCode(-1, name, source, entry), null, null, true, r -> { },
                null);
        submit(c);
        Object r = await(c).result();
        if (r instanceof Analysis a) {
            return a;
        }
        if (r instanceof PythonSourceException e) {
            throw e;
        }
        Feedback f = (Feedback) r;
        throw new PythonSourceException("Python scorer '" + name + "' could not be loaded: "
                + f.error().message(), 0, 0);
    }

    @Override
    public Outcome call(ScorerCode code, ScorerInput input, Consumer<String> onWrittenOff) {
        return call(code, input, onWrittenOff, null);
    }

    /**
     * As {@link #call(ScorerCode, ScorerInput, Consumer)}, telling when the scorer starts running.
     *
     * @param code the scorer
     * @param input its input
     * @param onWrittenOff told when a call overran and could not be stopped
     * @param onRunning run on the worker thread once the context is ready and the scorer loaded, just before the
     *     call's time budget starts (a worker process tells its parent then); null for none
     * @return the outcome
     */
    public Outcome call(ScorerCode code, ScorerInput input, Consumer<String> onWrittenOff, Runnable onRunning) {
        InProcessCall c = new InProcessCall(code, input, null, false, onWrittenOff, onRunning);
        submit(c);
        return await(c);
    }

    @Override
    public Outcome callSession(ScorerCode code, List<Trace> turns, Consumer<String> onWrittenOff) {
        return callSession(code, turns, onWrittenOff, null);
    }

    /**
     * As {@link #callSession(ScorerCode, List, Consumer)}, telling when the scorer starts running.
     *
     * @param code a session scorer
     * @param turns the session's traces, in turn order
     * @param onWrittenOff told when a call overran and could not be stopped
     * @param onRunning run on the worker thread just before the call's time budget starts; null for none
     * @return the outcome
     */
    public Outcome callSession(ScorerCode code, List<Trace> turns, Consumer<String> onWrittenOff,
            Runnable onRunning) {
        InProcessCall c = new InProcessCall(code, null, List.copyOf(turns), false, onWrittenOff, onRunning);
        submit(c);
        return await(c);
    }

    private void submit(InProcessCall c) {
        if (closed) {
            throw new IllegalStateException("the Python sandbox is closed");
        }
        queue.put(c);
    }

    /**
     * Waits for the call; the waiting caller is the watchdog of its budgets: the load budget while the worker
     * prepares it (context, source), then the time budget from the moment the scorer runs, and the allocation
     * budget.
     */
    private Outcome await(InProcessCall c) {
        if (recentCallNanos < CALLER_SPIN_NANOS) {
            spin(c);
        }
        long allocationBudget = settings.allocationBudgetBytes();
        while (true) {
            int s = c.state;
            if (s == InProcessCall.DONE) {
                return new Outcome(c.result, false);
            }
            if (s == InProcessCall.QUEUED) {
                if (closed) {
                    return new Outcome(error("SANDBOX_CLOSED", "the Python sandbox was closed", null), false);
                }
                LockSupport.parkNanos(c, WATCH_SLICE_NANOS);
                continue;
            }
            boolean loading = c.loading;
            long remaining = c.deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                if (c.abort()) {
                    return stopper.timedOut(c, loading);
                }
                continue;
            }
            if (allocationBudget > 0) {
                long allocated = THREADS.getThreadAllocatedBytes(c.slot.threadId) - c.allocStart;
                if (allocated > allocationBudget && c.abort()) {
                    return stopper.allocatedTooMuch(c, allocationBudget);
                }
            }
            // The harness makes print raise past the output limit; a scorer that swallows that and prints on
            // (or writes to sys.__stdout__) is stopped here once it has had the cancel grace to end on its own.
            long exceeded = c.slot.output.exceededAtNanos();
            if (exceeded != 0 && System.nanoTime() - exceeded > settings.cancelGrace().toNanos() && c.abort()) {
                return stopper.printedTooMuch(c);
            }
            LockSupport.parkNanos(c, Math.min(WATCH_SLICE_NANOS, remaining));
        }
    }

    /** Spins for a short call's result (see {@link #CALLER_SPIN_NANOS}); the worker unparks a parked caller. */
    private static void spin(InProcessCall c) {
        long end = System.nanoTime() + CALLER_SPIN_NANOS;
        int i = 0;
        while (c.state < InProcessCall.DONE) {
            Thread.onSpinWait();
            if ((++i & 31) == 0 && System.nanoTime() - end > 0) {
                return;
            }
        }
    }

    static Feedback error(String code, String message, String output) {
        return Feedback.error(new AssessmentError(code, message,
                output == null || output.isEmpty() ? null : "--- scorer output ---\n" + output));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < pool.size() + 1; i++) {
            queue.put(InProcessCall.POISON);
        }
        stopper.shutdown();
        pool.interruptAll();
    }

}
