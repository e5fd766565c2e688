package dev.vigil.python.internal;

import com.sun.management.ThreadMXBean;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SandboxPolicy;
import org.graalvm.polyglot.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker of the {@link InProcessRuntime}: a platform thread owning one GraalPy context (a Python context is
 * single-threaded; pinning it to a thread avoids re-entering it from many). It takes calls from the runtime's queue,
 * prepares the context and the scorer (under the load budget), runs it (under the time budget its caller watches)
 * and replaces the context after an aborted, cancelled or broken call.
 */
final class ContextWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRuntime.class);
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    /**
     * How long an idle worker polls for the next call before parking: a scorer called in a loop finds its worker
     * awake (a hand-off well under a microsecond instead of a futex wake-up), and an idle pool costs at most this
     * much CPU per call, on one worker at a time.
     */
    static final long WORKER_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final InProcessRuntime runtime;
    private final SandboxSettings settings;
    final Thread thread;
    final long threadId;
    final BoundedOutput output;
    final Map<Long, LoadedScorer> loaded = new HashMap<>();
    volatile Context context;
    volatile boolean writtenOff;
    volatile boolean closing;
    private Value load;
    private Value analyze;

    ContextWorker(InProcessRuntime runtime, String name) {
        this.runtime = runtime;
        this.settings = runtime.settings();
        this.output = new BoundedOutput(settings.outputLimitBytes());
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
        while (!runtime.isClosed() && !writtenOff) {
            InProcessCall c = next();
            if (c == null || c == InProcessCall.POISON) {
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

    private InProcessCall next() {
        InProcessCall c = runtime.queue().poll();
        if (c != null) {
            return c;
        }
        // One idle worker at a time spins briefly before parking (see WORKER_SPIN_NANOS); with several workers
        // spinning, a single caller's calls would alternate between them and every core would spin.
        if (runtime.tryStartSpinning()) {
            try {
                long end = System.nanoTime() + WORKER_SPIN_NANOS;
                int i = 0;
                while (true) {
                    Thread.onSpinWait();
                    c = runtime.queue().poll();
                    if (c != null) {
                        return c;
                    }
                    if ((++i & 15) == 0 && System.nanoTime() - end > 0) {
                        break;
                    }
                }
            } finally {
                runtime.stopSpinning();
            }
        }
        try {
            return runtime.queue().take();
        } catch (InterruptedException e) {
            return null;
        }
    }

    private void ensureContext() {
        if (context != null) {
            return;
        }
        Context ctx = Context.newBuilder("python")
                .engine(runtime.engine())
                .sandbox(SandboxPolicy.CONSTRAINED)
                .out(output)
                .err(output)
                .in(InputStream.nullInputStream())
                .build();
        ctx.eval(runtime.harness());
        Value bindings = ctx.getBindings("python");
        bindings.getMember("limit_output").executeVoid(settings.outputLimitBytes());
        load = bindings.getMember("load");
        analyze = bindings.getMember("analyze_safe");
        loaded.clear();
        context = ctx;
    }

    private void execute(InProcessCall c) {
        // Before the call is seen running: the caller's watchdog reads this call's output state.
        output.reset();
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
            result = InProcessRuntime.error("MEMORY_EXHAUSTED", "scorer '" + c.code.name() + "' exhausted the heap", null);
        } catch (RuntimeException e) {
            replace = true;
            result = InProcessRuntime.error("SANDBOX_ERROR", "scorer '" + c.code.name() + "' failed in the sandbox: " + e, null);
        }
        c.result = result;
        boolean aborted = !c.complete();
        c.finished.countDown();
        LockSupport.unpark(c.caller);
        if (aborted) {
            // Let the reaper finish with this context before the next call runs in it, so its interrupt
            // cannot land on another scorer's call.
            CallStopper.awaitLatch(c.cancelled, settings.cancelGrace().multipliedBy(3));
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
        if (!runtime.isClosed()) {
            try {
                ensureContext();
            } catch (RuntimeException e) {
                LOG.error("could not create a GraalPy context; retrying on the next call", e);
            }
        }
    }

    private Object call(InProcessCall c) {
        ScorerCode code = c.code;
        LoadedScorer scorer = loaded.get(code.id());
        if (scorer == null) {
            scorer = LoadedScorer.of(load.execute(code.name(), code.source(), code.entry()));
            loaded.put(code.id(), scorer);
        }
        Value fn = scorer.fn();
        c.allocStart = THREADS.getCurrentThreadAllocatedBytes();
        c.deadlineNanos = System.nanoTime() + settings.timeBudget().toNanos();
        c.loading = false;
        if (c.onRunning != null && c.state == InProcessCall.RUNNING) {
            c.onRunning.run();
        }
        long started = System.nanoTime();
        Value r;
        if (c.session != null) {
            r = fn.execute(GuestArguments.session(c.session));
        } else {
            ScorerInput in = c.input;
            // Only the arguments the scorer takes are packed; it never sees the others.
            r = fn.execute(scorer.inputs() ? PackedArgument.of(in.inputs()) : null,
                    scorer.outputs() ? PackedArgument.of(in.outputs()) : null,
                    scorer.expectations() ? PackedArgument.of(in.expectations()) : null,
                    GuestArguments.trace(in.trace()));
        }
        runtime.recordCall(System.nanoTime() - started);
        return GuestResults.read(code.name(), r, output.size() == 0 ? null : output.text(),
                settings.outputLimitBytes());
    }

    private Object analyze(InProcessCall c) {
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

    private Object failure(InProcessCall c, PolyglotException e) {
        String out = output.size() == 0 ? null : output.text();
        if (e.isInterrupted() || e.isCancelled()) {
            return InProcessRuntime.error("TIMEOUT", "scorer '" + c.code.name() + "' was stopped", out);
        }
        if (e.isResourceExhausted()) {
            return InProcessRuntime.error("MEMORY_EXHAUSTED", "scorer '" + c.code.name() + "' exhausted a resource: "
                    + e.getMessage(), out);
        }
        if (e.isExit()) {
            return InProcessRuntime.error("SystemExit", "scorer '" + c.code.name() + "' tried to exit the interpreter", out);
        }
        String message = e.getMessage();
        if (e.isHostException() || (message != null && (message.startsWith("java.lang.SecurityException")
                || message.startsWith("java.lang.IllegalStateException")
                || message.startsWith("java.lang.UnsupportedOperationException")))) {
            // The sandbox refused an operation (thread creation, process creation, ...) or a read-only
            // argument was written to.
            return InProcessRuntime.error("SANDBOX_DENIED", "scorer '" + c.code.name() + "' tried something the sandbox does "
                    + "not allow: " + message, out);
        }
        if (c.analyze) {
            return new PythonSourceException("Python scorer '" + c.code.name() + "' could not be loaded: "
                    + message, 0, 0);
        }
        return InProcessRuntime.error("SCORER_EXCEPTION", "scorer '" + c.code.name() + "' failed: " + message, out);
    }
}
