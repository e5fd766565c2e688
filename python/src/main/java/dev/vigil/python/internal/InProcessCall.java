package dev.vigil.python.internal;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** One call, handed from a caller to a worker. */
final class InProcessCall {
    /** Tells a worker to stop. */
    static final InProcessCall POISON = new InProcessCall(null, null, null, false, null, null);

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int ABORTED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(InProcessCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ScorerCode code;
    /** The trace scorer's input, or null for a session call. */
    final ScorerInput input;
    /** A session call's traces in turn order, or null for a trace call. */
    final List<Trace> session;
    final boolean analyze;
    final Consumer<String> onWrittenOff;
    final Runnable onRunning;
    final Thread caller = Thread.currentThread();
    final CountDownLatch finished = new CountDownLatch(1);
    final CountDownLatch cancelled = new CountDownLatch(1);
    volatile int state;
    volatile ContextWorker slot;
    /** When the phase under way must end (System.nanoTime()): loading, then running. */
    volatile long deadlineNanos;
    /** True while the worker prepares the call (context, source) under the load budget. */
    volatile boolean loading = true;
    volatile long allocStart;
    /** The limit an aborted call went past ("its 5 s time budget"), for the write-off's reason. */
    volatile String limitHit;
    Object result;

    InProcessCall(ScorerCode code, ScorerInput input, List<Trace> session, boolean analyze,
            Consumer<String> onWrittenOff, Runnable onRunning) {
        this.code = code;
        this.input = input;
        this.session = session;
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
