package dev.vigil.python.internal;

import com.sun.management.ThreadMXBean;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
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
    private static final long WATCH_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int CALLER_SPINS = 2_000;
    private static final int WORKER_SPINS = 20_000;
    private static final Call POISON = new Call(null, null, false, null, null);

    private final SandboxSettings settings;
    private final Engine engine;
    private final Source harness;
    private final LinkedTransferQueue<Call> queue = new LinkedTransferQueue<>();
    private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
    private final ExecutorService reaper;
    private final AtomicInteger slotNumbers = new AtomicInteger();
    private final AtomicInteger writtenOff = new AtomicInteger();
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
                .err(new LogStream())
                .option("engine.WarnInterpreterOnly", "false");
        Engine built;
        if (!settings.optimizingRuntime()) {
            try {
                built = b.option("engine.Compilation", "false").build();
            } catch (IllegalArgumentException noSuchOption) {
                // Without JVMCI the runtime is the interpreter already and has no such option to set.
                built = Engine.newBuilder("python").sandbox(SandboxPolicy.CONSTRAINED)
                        .out(OutputStream.nullOutputStream()).err(new LogStream())
                        .option("engine.WarnInterpreterOnly", "false").build();
            }
        } else {
            built = b.build();
        }
        this.engine = built;
        this.optimizing = settings.optimizingRuntime() && !"Interpreted".equals(engine.getImplementationName());
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

    /** @return true if the optimizing Truffle runtime compiles the scorers */
    public boolean optimizing() {
        return optimizing;
    }

    /** @return how many worker threads were written off since start */
    public int writtenOffThreads() {
        return writtenOff.get();
    }

    private void startSlot() {
        Slot s = new Slot("vigil-python-" + slotNumbers.incrementAndGet());
        slots.add(s);
        s.thread.start();
    }

    @Override
    public Analysis analyze(String name, String source, String entry) {
        Call c = new Call(new ScorerCode(-1, name, source, entry), null, true, r -> { }, null);
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
        Call c = new Call(code, input, false, onWrittenOff, onRunning);
        submit(c);
        return await(c);
    }

    private void submit(Call c) {
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
    private Outcome await(Call c) {
        for (int i = 0; i < CALLER_SPINS && c.state < Call.DONE; i++) {
            Thread.onSpinWait();
        }
        long allocationBudget = settings.allocationBudgetBytes();
        while (true) {
            int s = c.state;
            if (s == Call.DONE) {
                return new Outcome(c.result, false);
            }
            if (s == Call.QUEUED) {
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
                    String out = c.slot.output.text();
                    stopAborted(c);
                    String what = loading && !c.analyze
                            ? "took longer than its " + describe(settings.loadBudget()) + " load budget to load"
                            : "ran longer than its " + describe(c.analyze ? settings.loadBudget()
                                    : settings.timeBudget()) + " budget";
                    return new Outcome(error("TIMEOUT", "scorer '" + c.code.name() + "' " + what
                            + " and was stopped", out), true);
                }
                continue;
            }
            if (allocationBudget > 0) {
                long allocated = THREADS.getThreadAllocatedBytes(c.slot.threadId) - c.allocStart;
                if (allocated > allocationBudget && c.abort()) {
                    String out = c.slot.output.text();
                    stopAborted(c);
                    return new Outcome(error("MEMORY_BUDGET_EXCEEDED", "scorer '" + c.code.name()
                            + "' allocated more than its " + (allocationBudget >> 20) + " MiB budget and was stopped",
                            out), true);
                }
            }
            LockSupport.parkNanos(c, Math.min(WATCH_SLICE_NANOS, remaining));
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static Feedback error(String code, String message, String output) {
        return Feedback.error(new AssessmentError(code, message,
                output == null || output.isEmpty() ? null : "--- scorer output ---\n" + output));
    }

    private void stopAborted(Call c) {
        if (settleBeforeReturning) {
            cancel(c);
        } else {
            reaper.execute(() -> cancel(c));
        }
    }

    /** Stops an aborted call: interrupt, then close, then write the worker off. Runs on a reaper thread. */
    private void cancel(Call c) {
        try {
            stop(c);
        } finally {
            c.cancelled.countDown();
        }
    }

    private void stop(Call c) {
        if (c.finished.getCount() == 0) {
            return;
        }
        Slot slot = c.slot;
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
        String reason = "scorer '" + c.code.name() + "' overran its " + describe(settings.timeBudget())
                + " budget inside an operation that cannot be interrupted in-process (e.g. sum(range(10**12)) or "
                + "pow(3, 10**8)); its thread was written off. Run it in a worker process to bound such code (vigil scorers register --isolation process; "
                + "in Java, Isolation.PROCESS).";
        LOG.warn(reason);
        c.onWrittenOff.accept(reason);
    }

    private static boolean awaitFinished(Call c, Duration d) {
        return awaitLatch(c.finished, d);
    }

    private static boolean awaitLatch(CountDownLatch latch, Duration d) {
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
            queue.put(POISON);
        }
        reaper.shutdownNow();
        for (Slot s : List.copyOf(slots)) {
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

    /** One call, handed from a caller to a worker. */
    static final class Call {
        static final int QUEUED = 0;
        static final int RUNNING = 1;
        static final int DONE = 2;
        static final int ABORTED = 3;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ScorerCode code;
        final ScorerInput input;
        final boolean analyze;
        final Consumer<String> onWrittenOff;
        final Runnable onRunning;
        final Thread caller = Thread.currentThread();
        final CountDownLatch finished = new CountDownLatch(1);
        final CountDownLatch cancelled = new CountDownLatch(1);
        volatile int state;
        volatile Slot slot;
        /** When the phase under way must end (System.nanoTime()): loading, then running. */
        volatile long deadlineNanos;
        /** True while the worker prepares the call (context, source) under the load budget. */
        volatile boolean loading = true;
        volatile long allocStart;
        Object result;

        Call(ScorerCode code, ScorerInput input, boolean analyze, Consumer<String> onWrittenOff,
                Runnable onRunning) {
            this.code = code;
            this.input = input;
            this.analyze = analyze;
            this.onWrittenOff = onWrittenOff;
            this.onRunning = onRunning;
        }

        boolean abort() {
            return STATE.compareAndSet(this, RUNNING, ABORTED);
        }

        boolean start() {
            return STATE.compareAndSet(this, QUEUED, RUNNING);
        }

        boolean complete() {
            return STATE.compareAndSet(this, RUNNING, DONE);
        }
    }

    /** A worker thread and the context it owns. */
    final class Slot implements Runnable {
        final Thread thread;
        final long threadId;
        final BoundedOutput output = new BoundedOutput(settings.outputLimitBytes());
        final Map<Long, Value> loaded = new HashMap<>();
        volatile Context context;
        volatile boolean writtenOff;
        volatile boolean closing;
        private Value load;
        private Value analyze;

        Slot(String name) {
            this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
            this.threadId = thread.threadId();
        }

        @Override
        public void run() {
            try {
                ensureContext();
            } catch (RuntimeException e) {
                LOG.error("could not create a GraalPy context; retrying on the next call", e);
            }
            while (!closed && !writtenOff) {
                Call c = next();
                if (c == null || c == POISON) {
                    break;
                }
                execute(c);
            }
            Context ctx = context;
            if (ctx != null && !writtenOff) {
                try {
                    ctx.close(true);
                } catch (RuntimeException ignored) {
                    // closing on shutdown
                }
            }
        }

        private Call next() {
            // Spin briefly before parking: a scorer called in a loop finds its worker awake (the hand-off then
            // costs well under a microsecond instead of a futex wake-up).
            for (int i = 0; i < WORKER_SPINS; i++) {
                Call c = queue.poll();
                if (c != null) {
                    return c;
                }
                Thread.onSpinWait();
            }
            try {
                return queue.take();
            } catch (InterruptedException e) {
                return null;
            }
        }

        private void ensureContext() {
            if (context != null) {
                return;
            }
            Context ctx = Context.newBuilder("python")
                    .engine(engine)
                    .sandbox(SandboxPolicy.CONSTRAINED)
                    .out(output)
                    .err(output)
                    .in(InputStream.nullInputStream())
                    .build();
            ctx.eval(harness);
            Value bindings = ctx.getBindings("python");
            load = bindings.getMember("load");
            analyze = bindings.getMember("analyze_safe");
            loaded.clear();
            context = ctx;
        }

        private void execute(Call c) {
            c.slot = this;
            c.allocStart = THREADS.getCurrentThreadAllocatedBytes();
            // Preparing the call (a context after a replaced one, the scorer's source) is under the load budget;
            // the time budget starts when the scorer runs (see call()).
            c.deadlineNanos = System.nanoTime() + settings.loadBudget().toNanos();
            if (!c.start()) {
                return;
            }
            boolean replace = false;
            Object result;
            try {
                ensureContext();
                output.reset();
                result = c.analyze ? analyze(c) : call(c);
            } catch (PolyglotException e) {
                // A context whose call failed normally is reused (each call gets fresh globals); one that was
                // closed, exited or broke is replaced, and so is one whose call was aborted (below).
                replace = e.isCancelled() || e.isExit() || e.isResourceExhausted() || e.isInternalError();
                result = failure(c, e);
            } catch (OutOfMemoryError e) {
                replace = true;
                result = error("MEMORY_EXHAUSTED", "scorer '" + c.code.name() + "' exhausted the heap", null);
            } catch (RuntimeException e) {
                replace = true;
                result = error("SANDBOX_ERROR", "scorer '" + c.code.name() + "' failed in the sandbox: " + e, null);
            }
            c.result = result;
            boolean aborted = !c.complete();
            c.finished.countDown();
            LockSupport.unpark(c.caller);
            if (aborted) {
                // Let the reaper finish with this context before the next call runs in it, so its interrupt
                // cannot land on another scorer's call.
                awaitLatch(c.cancelled, settings.cancelGrace().multipliedBy(3));
                // A context interrupted mid-call can be left with broken state (a print cut off by the interrupt
                // left sys.stdout raising BrokenPipeError in the next scorer's call): never reuse it.
                replace = true;
            }
            if (closing) {
                replace = true;
            }
            if (replace && !writtenOff) {
                replaceContext();
            }
        }

        private void replaceContext() {
            closing = false;
            Context old = context;
            context = null;
            loaded.clear();
            if (old != null) {
                try {
                    old.close(true);
                } catch (RuntimeException e) {
                    LOG.debug("closing a cancelled context: {}", e.toString());
                }
            }
            if (!closed) {
                try {
                    ensureContext();
                } catch (RuntimeException e) {
                    LOG.error("could not create a GraalPy context; retrying on the next call", e);
                }
            }
        }

        private Object call(Call c) {
            ScorerCode code = c.code;
            Value fn = loaded.get(code.id());
            if (fn == null) {
                fn = load.execute(code.name(), code.source(), code.entry());
                loaded.put(code.id(), fn);
            }
            ScorerInput in = c.input;
            c.allocStart = THREADS.getCurrentThreadAllocatedBytes();
            c.deadlineNanos = System.nanoTime() + settings.timeBudget().toNanos();
            c.loading = false;
            if (c.onRunning != null && c.state == Call.RUNNING) {
                c.onRunning.run();
            }
            Value r = fn.execute(GuestArguments.wrap(in.inputs()), GuestArguments.wrap(in.outputs()),
                    GuestArguments.wrap(in.expectations()), GuestArguments.trace(in.trace()));
            return GuestResults.read(code.name(), r, output.size() == 0 ? null : output.text());
        }

        private Object analyze(Call c) {
            Value r = analyze.execute(c.code.name(), c.code.source(), c.code.entry());
            String tag = r.getArrayElement(0).asString();
            switch (tag) {
                case "OK": {
                    Value aggs = r.getArrayElement(3);
                    List<String> aggregations = null;
                    if (!aggs.isNull()) {
                        aggregations = new ArrayList<>();
                        for (long i = 0; i < aggs.getArraySize(); i++) {
                            aggregations.add(aggs.getArrayElement(i).asString());
                        }
                    }
                    Value ps = r.getArrayElement(4);
                    List<String> params = new ArrayList<>();
                    for (long i = 0; i < ps.getArraySize(); i++) {
                        params.add(ps.getArrayElement(i).asString());
                    }
                    Value decorated = r.getArrayElement(2);
                    return new Analysis(r.getArrayElement(1).asString(), decorated.isNull() ? null
                            : decorated.asString(), aggregations == null ? null : List.copyOf(aggregations),
                            List.copyOf(params));
                }
                case "S": {
                    int line = r.getArrayElement(2).asInt();
                    int column = r.getArrayElement(3).asInt();
                    String text = r.getArrayElement(4).asString();
                    return new PythonSourceException("Python scorer '" + c.code.name() + "' has a syntax error at line "
                            + line + ", column " + column + ": " + r.getArrayElement(1).asString()
                            + (text.isBlank() ? "" : "\n    " + text.strip()), line, column);
                }
                default: {
                    String type = r.getArrayElement(1).asString();
                    return new PythonSourceException("Python scorer '" + c.code.name() + "' could not be loaded: "
                            + type + ": " + r.getArrayElement(2).asString(), 0, 0);
                }
            }
        }

        private Object failure(Call c, PolyglotException e) {
            String out = output.size() == 0 ? null : output.text();
            if (e.isInterrupted() || e.isCancelled()) {
                return error("TIMEOUT", "scorer '" + c.code.name() + "' was stopped", out);
            }
            if (e.isResourceExhausted()) {
                return error("MEMORY_EXHAUSTED", "scorer '" + c.code.name() + "' exhausted a resource: "
                        + e.getMessage(), out);
            }
            if (e.isExit()) {
                return error("SystemExit", "scorer '" + c.code.name() + "' tried to exit the interpreter", out);
            }
            String message = e.getMessage();
            if (e.isHostException() || (message != null && (message.startsWith("java.lang.SecurityException")
                    || message.startsWith("java.lang.IllegalStateException")
                    || message.startsWith("java.lang.UnsupportedOperationException")))) {
                // The sandbox refused an operation (thread creation, process creation, ...) or a read-only
                // argument was written to.
                return error("SANDBOX_DENIED", "scorer '" + c.code.name() + "' tried something the sandbox does "
                        + "not allow: " + message, out);
            }
            if (c.analyze) {
                return new PythonSourceException("Python scorer '" + c.code.name() + "' could not be loaded: "
                        + message, 0, 0);
            }
            return error("SCORER_EXCEPTION", "scorer '" + c.code.name() + "' failed: " + message, out);
        }
    }

    /** The engine's own messages (warnings) go to the log, one line at a time. */
    private static final class LogStream extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        private void flushLine() {
            if (line.size() > 0) {
                LOG.warn("GraalPy: {}", line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        }
    }
}
