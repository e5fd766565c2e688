package dev.vigil.python.internal;

import com.sun.management.ThreadMXBean;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Python scorers in this JVM: one shared GraalPy {@link Engine} under {@link SandboxPolicy#CONSTRAINED} and a pool
 * of worker threads, each owning one context (a Python context is single-threaded; pinning it to a thread avoids
 * re-entering it from many). A caller hands its call to a worker and waits; the waiting caller is also the call's
 * watchdog: past the time budget, or when the worker thread's allocated bytes pass the allocation budget, it
 * returns an error feedback at once and a reaper interrupts the context, then closes it, and the worker builds a
 * fresh one. A call's time budget starts when its worker starts running the scorer: building a context (after a
 * replaced one) and loading the scorer's source come first, under the load budget. A worker stuck in an operation that ignores both (an intrinsic such as {@code sum(range(10**12))}) is
 * written off: a new worker takes its place so the pool keeps its capacity, and the scorer is reported through
 * {@code onWrittenOff} to be quarantined.
 */
public final class InProcessRuntime implements ScorerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRuntime.class);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final AtomicBoolean WARNED_INTERPRETED = new AtomicBoolean();
    private static final AtomicBoolean WARNED_SWITCH_IGNORED = new AtomicBoolean();
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
    private final Set<ContextWorker> slots = ConcurrentHashMap.newKeySet();
    private final ExecutorService reaper;
    private final AtomicInteger slotNumbers = new AtomicInteger();
    private final AtomicInteger writtenOff = new AtomicInteger();
    /** 1 while a worker spins for the next call: at most one idle worker spins, the others park at once. */
    private final AtomicInteger spinningWorkers = new AtomicInteger();
    /** A moving average of recent calls' run time, in ns: callers do not spin for calls longer than their spin. */
    private volatile long recentCallNanos;
    private final boolean optimizing;
    private final boolean settleBeforeReturning;
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
        this.settleBeforeReturning = settleBeforeReturning;
        Engine.Builder b = Engine.newBuilder("python")
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(OutputStream.nullOutputStream())
                .err(new EngineLog())
                .option("engine.WarnInterpreterOnly", "false");
        // The runtime is the JVM's: with JVMCI it is the optimizing one, and a CONSTRAINED engine cannot turn its
        // compilation off (engine.Compilation is refused up to TRUSTED), so optimizingRuntime(false) cannot pick the
        // interpreter here; optimizing() reports what the engine is and a warning says why the switch had no effect.
        this.engine = b.build();
        this.optimizing = !"Interpreted".equals(engine.getImplementationName());
        if (!settings.optimizingRuntime() && optimizing && WARNED_SWITCH_IGNORED.compareAndSet(false, true)) {
            LOG.warn("optimizingRuntime(false) / -Dvigil.python.optimizing=false has no effect: this JVM has "
                    + "the optimizing Truffle runtime (JVMCI) and a CONSTRAINED sandbox cannot switch its compilation "
                    + "off. To run Python scorers on the interpreter, start the JVM without -XX:+EnableJVMCI and "
                    + "--upgrade-module-path.");
        }
        if (settings.optimizingRuntime() && !optimizing && WARNED_INTERPRETED.compareAndSet(false, true)) {
            LOG.warn("Python scorers run on the GraalPy interpreter: this JVM lacks the optimizing Truffle runtime "
                    + "(add -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=<the GraalVM "
                    + "compiler jars>; see the README, 'Python scorers'). CPU-heavy scorers run about 10x slower.");
        }
        try (InputStream in = InProcessRuntime.class.getResourceAsStream("vigil_sandbox.py")) {
            if (in == null) {
                throw new IllegalStateException("vigil_sandbox.py is missing from the vigil-python jar");
            }
            this.harness = Source.newBuilder("python", new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "vigil_sandbox.py").build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.reaper = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("vigil-python-reaper")
                .unstarted(r));
        for (int i = 0; i < settings.contexts(); i++) {
            startSlot();
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
        return writtenOff.get();
    }

    private void startSlot() {
        ContextWorker s = new ContextWorker(this, "vigil-python-" + slotNumbers.incrementAndGet());
        slots.add(s);
        s.thread.start();
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
                    String message;
                    if (loading && !c.analyze) {
                        c.limitHit = "its " + LimitMessages.describe(settings.loadBudget()) + " load budget";
                        message = LimitMessages.loadTimeout(c.code.name(), settings.loadBudget());
                    } else {
                        Duration budget = c.analyze ? settings.loadBudget() : settings.timeBudget();
                        c.limitHit = LimitMessages.timeLimit(budget);
                        message = c.analyze ? LimitMessages.loadTimeout(c.code.name(), budget)
                                : LimitMessages.timeout(c.code.name(), budget);
                    }
                    return stopWith(c, "TIMEOUT", message);
                }
                continue;
            }
            if (allocationBudget > 0) {
                long allocated = THREADS.getThreadAllocatedBytes(c.slot.threadId) - c.allocStart;
                if (allocated > allocationBudget && c.abort()) {
                    c.limitHit = LimitMessages.memoryLimit(allocationBudget);
                    return stopWith(c, "MEMORY_BUDGET_EXCEEDED", LimitMessages.memory(c.code.name(),
                            allocationBudget));
                }
            }
            // The harness makes print raise past the output limit; a scorer that swallows that and prints on
            // (or writes to sys.__stdout__) is stopped here once it has had the cancel grace to end on its own.
            long exceeded = c.slot.output.exceededAtNanos();
            if (exceeded != 0 && System.nanoTime() - exceeded > settings.cancelGrace().toNanos() && c.abort()) {
                c.limitHit = LimitMessages.outputLimit(settings.outputLimitBytes());
                return stopWith(c, "OUTPUT_LIMIT_EXCEEDED", LimitMessages.output(c.code.name(),
                        settings.outputLimitBytes()));
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

    /** Answers an aborted call with an error feedback (and what it printed), and stops it. */
    private Outcome stopWith(InProcessCall c, String code, String message) {
        String out = c.slot.output.text();
        stopAborted(c);
        return new Outcome(error(code, message, out), true);
    }

    static Feedback error(String code, String message, String output) {
        return Feedback.error(new AssessmentError(code, message,
                output == null || output.isEmpty() ? null : "--- scorer output ---\n" + output));
    }

    private void stopAborted(InProcessCall c) {
        if (settleBeforeReturning) {
            cancel(c);
        } else {
            reaper.execute(() -> cancel(c));
        }
    }

    /** Stops an aborted call: interrupt, then close, then write the worker off. Runs on a reaper thread. */
    private void cancel(InProcessCall c) {
        try {
            stop(c);
        } finally {
            c.cancelled.countDown();
        }
    }

    private void stop(InProcessCall c) {
        if (c.finished.getCount() == 0) {
            return;
        }
        ContextWorker slot = c.slot;
        Context ctx = slot.context;
        Duration grace = settings.cancelGrace();
        if (ctx != null) {
            try {
                ctx.interrupt(grace);
            } catch (TimeoutException | RuntimeException e) {
                LOG.debug("interrupt of scorer '{}' did not complete: {}", c.code.name(), e.toString());
            }
        }
        if (awaitFinished(c, grace)) {
            return;
        }
        if (ctx != null) {
            slot.closing = true;
            // close(true) on a thread stuck in an intrinsic can block its caller: give it a thread of its own.
            Thread.ofPlatform().daemon().name("vigil-python-closer").start(() -> {
                try {
                    ctx.close(true);
                } catch (RuntimeException e) {
                    LOG.debug("close of a stuck context failed: {}", e.toString());
                }
            });
        }
        if (awaitFinished(c, grace)) {
            return;
        }
        slot.writtenOff = true;
        slots.remove(slot);
        writtenOff.incrementAndGet();
        if (!closed) {
            startSlot();
        }
        String reason = LimitMessages.writtenOff(c.code.name(), c.limitHit == null
                ? LimitMessages.timeLimit(settings.timeBudget()) : c.limitHit);
        LOG.warn(reason);
        c.onWrittenOff.accept(reason);
    }

    private static boolean awaitFinished(InProcessCall c, Duration d) {
        return awaitLatch(c.finished, d);
    }

    static boolean awaitLatch(CountDownLatch latch, Duration d) {
        try {
            return latch.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < slots.size() + 1; i++) {
            queue.put(InProcessCall.POISON);
        }
        reaper.shutdownNow();
        for (ContextWorker s : List.copyOf(slots)) {
            Context ctx = s.context;
            if (ctx != null) {
                try {
                    ctx.interrupt(Duration.ofMillis(500));
                } catch (TimeoutException | RuntimeException ignored) {
                    // best effort: the worker threads are daemons
                }
            }
        }
    }

}
