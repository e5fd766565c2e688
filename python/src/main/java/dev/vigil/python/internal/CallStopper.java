package dev.vigil.python.internal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.graalvm.polyglot.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the {@link InProcessRuntime}'s calls that went past a limit, once their watchdog (the waiting caller) has
 * aborted them: answers with an error feedback naming the limit, then interrupts the call's context, closes it if
 * the interrupt did not stop it, and writes its worker off (reported through the call's {@code onWrittenOff}) if
 * even that did not. The stopping runs on a reaper thread, or before answering when the runtime settles first.
 */
final class CallStopper {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRuntime.class);

    private final SandboxSettings settings;
    private final ContextPool pool;
    private final boolean settleBeforeReturning;
    private final ExecutorService reaper;

    CallStopper(SandboxSettings settings, ContextPool pool, boolean settleBeforeReturning) {
        this.settings = settings;
        this.pool = pool;
        this.settleBeforeReturning = settleBeforeReturning;
        this.reaper = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("vigil-python-reaper")
                .unstarted(r));
    }

    /** Stops an aborted call that ran past its deadline: the load budget while loading, else the time budget. */
    Outcome timedOut(InProcessCall c, boolean loading) {
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

    /** Stops an aborted call whose worker thread allocated more than the allocation budget. */
    Outcome allocatedTooMuch(InProcessCall c, long allocationBudget) {
        c.limitHit = LimitMessages.memoryLimit(allocationBudget);
        return stopWith(c, "MEMORY_BUDGET_EXCEEDED", LimitMessages.memory(c.code.name(), allocationBudget));
    }

    /** Stops an aborted call that went on printing past the output limit. */
    Outcome printedTooMuch(InProcessCall c) {
        c.limitHit = LimitMessages.outputLimit(settings.outputLimitBytes());
        return stopWith(c, "OUTPUT_LIMIT_EXCEEDED", LimitMessages.output(c.code.name(), settings.outputLimitBytes()));
    }

    /** Answers an aborted call with an error feedback (and what it printed), and stops it. */
    private Outcome stopWith(InProcessCall c, String code, String message) {
        String out = c.slot.output.text();
        stopAborted(c);
        return new Outcome(InProcessRuntime.error(code, message, out), true);
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
        pool.writeOff(slot);
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

    /** Stops the reaper threads (on close). */
    void shutdown() {
        reaper.shutdownNow();
    }
}
