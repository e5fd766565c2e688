package dev.vigil.core.engine.internal;

import dev.vigil.core.scorer.ScorerResults;
import dev.failsafe.Execution;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.engine.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The one reliability layer: runs one scorer on one input on the calling thread, the way the engine, backfill,
 * {@code evaluate} and {@code tryScorer} all do, acting on the {@link FailureKind} of a failure — a per-attempt
 * timeout, immediate retries of retryable kinds with exponential back-off and jitter honouring Retry-After
 * (Failsafe's retry policy, bounded in attempts and in time), immediate failure for the others, and — for
 * I/O-bound scorers — the per-provider concurrency limit, token bucket with adaptive 429 back-off and circuit
 * breaker ({@link ProviderGate}). No judge, provider or runtime below it retries. It never throws: every failure
 * comes back in the {@link Outcome} with its kind, so the caller can defer a transient one, pause the scorer on an
 * auth one, and record the others as error feedback.
 */
public final class ScorerRunner implements AutoCloseable {

    private final RetryPolicy retry;
    private final dev.failsafe.RetryPolicy<Object> failsafeRetry;
    private final Watchdog watchdog;
    private final Pauser pauser;
    private final LongSupplier ticker;
    private final DoubleSupplier random;
    private final ProviderLimit defaultLimit;
    private final Map<String, ProviderLimit> providerLimits;
    private final Map<String, ProviderGate> gates = new ConcurrentHashMap<>();
    private volatile CallGuard guard = CallGuard.NONE;

    /**
     * @param retry the retry policy
     * @param providerLimits limits per provider name; others get {@code defaultLimit}
     * @param defaultLimit the limit for a provider not in the map
     * @param pauser waits between retries
     * @param ticker nanosecond ticker for timeouts, back-off and durations
     * @param random uniform draws in [0, 1) for jitter
     */
    public ScorerRunner(RetryPolicy retry, Map<String, ProviderLimit> providerLimits, ProviderLimit defaultLimit,
            Pauser pauser, LongSupplier ticker, DoubleSupplier random) {
        this.retry = retry;
        this.failsafeRetry = failsafe(retry);
        this.providerLimits = Map.copyOf(providerLimits);
        this.defaultLimit = defaultLimit;
        this.pauser = pauser;
        this.ticker = ticker;
        this.random = random;
        this.watchdog = new Watchdog(ticker, Duration.ofMillis(5));
    }

    /** @return a runner with the default policy, limits, sleeping back-off and the system ticker */
    public static ScorerRunner defaults() {
        return new ScorerRunner(RetryPolicy.DEFAULT, Map.of(), ProviderLimit.DEFAULT, Pauser.SLEEP,
                System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The provider an I/O-bound scorer calls: the scheme of an LLM judge's model URI ({@code openai:/gpt-4o}
     * → {@code openai}), else the scorer's own name.
     *
     * @param scorer a scorer
     * @return its provider key
     */
    public static String providerOf(Scorer scorer) {
        try {
            var source = scorer.source();
            if (source != null && source.type() == AssessmentSourceType.LLM_JUDGE && !source.sourceId().isEmpty()) {
                String id = source.sourceId();
                int colon = id.indexOf(':');
                return colon > 0 ? id.substring(0, colon) : id;
            }
        } catch (RuntimeException e) {
            // a scorer whose source() throws is keyed by its name
        }
        return "scorer:" + scorer.name();
    }

    /**
     * Runs the scorer with retries and a timeout. Never throws.
     *
     * @param scorer the scorer
     * @param name the name to record (the registered name)
     * @param input the input
     * @param timeout the per-attempt timeout
     * @return the outcome
     */
    public Outcome run(Scorer scorer, String name, ScorerInput input, Duration timeout) {
        long start = ticker.getAsLong();
        if (scorerWorkload(scorer) == Scorer.Workload.IO) {
            ProviderGate gate = gates.computeIfAbsent(providerOf(scorer),
                    p -> new ProviderGate(p, providerLimits.getOrDefault(p, defaultLimit), ticker));
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(name, AssessmentError.of("INTERRUPTED", "scoring was interrupted (engine closing)"),
                        start, 0, null);
            }
            try {
                return guarded(scorer, name, input, timeout, start, gate);
            } finally {
                gate.release();
            }
        }
        return guarded(scorer, name, input, timeout, start, null);
    }

    /**
     * Sets the guard every call passes before it is made (budgets); {@link CallGuard#NONE} by default. An I/O-bound
     * scorer is admitted once it holds its provider's concurrency slot, so the calls admitted and not yet settled
     * are at most the provider's concurrency per runner.
     *
     * @param guard the guard
     */
    public void guardCalls(CallGuard guard) {
        this.guard = java.util.Objects.requireNonNull(guard, "guard");
    }

    private Outcome guarded(Scorer scorer, String name, ScorerInput input, Duration timeout, long start,
            ProviderGate gate) {
        CallGuard.Permit permit;
        try {
            permit = guard.admit(input == null || input.trace() == null ? null : input.trace().experimentId(), name,
                    scorer);
        } catch (RuntimeException e) {
            permit = CallGuard.Permit.GRANTED; // a guard must not throw; if it does, the call is not held up
        }
        if (permit.refusal() != null) {
            return new Outcome(List.of(), ticker.getAsLong() - start, 0, permit.refusal(), null);
        }
        Outcome o = attempts(scorer, name, input, timeout, start, gate);
        try {
            permit.settle(o.feedback());
        } catch (RuntimeException e) {
            // settling is bookkeeping; the outcome stands
        }
        return o;
    }

    private Outcome attempts(Scorer scorer, String name, ScorerInput input, Duration timeout, long start,
            ProviderGate gate) {
        long timeoutNanos = timeout.toNanos();
        Execution<Object> execution = null; // made on the first failure: a call that succeeds at once needs none
        int attempt = 0;
        while (true) {
            attempt++;
            Throwable failure;
            boolean timedOut;
            Object raw = null;
            try {
                if (gate != null) {
                    gate.awaitTurn(pauser);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(name, AssessmentError.of("INTERRUPTED", "scoring was interrupted (engine closing)"),
                        start, attempt, null);
            }
            if (gate != null && !gate.breakerPermits()) {
                // the provider failed too often in a row: no call now; transient, so the pair is tried later
                JudgeException open = new JudgeException(FailureKind.OVERLOADED, "provider '" + gate.provider()
                        + "' failed " + ProviderGate.BREAKER_FAILURES + " times in a row; circuit open, not calling it"
                        + " for another " + gate.breakerRemaining().toMillis() + " ms (" + gate.breakerCause() + ")");
                AssessmentError refused = new AssessmentError(open.code(), "scorer '" + name + "' not run: "
                        + open.getMessage(), null);
                return new Outcome(List.of(Feedback.error(refused).withName(name)), ticker.getAsLong() - start,
                        attempt, refused, open.kind(), attempt == 1); // refused before any call of this run
            }
            try (Watchdog.Watch watch = watchdog.start(timeoutNanos)) {
                try {
                    raw = scorer.score(input);
                    failure = null;
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable t) {
                    failure = t;
                }
                timedOut = watch.timedOut();
            }
            if (!timedOut && failure instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // not our timeout: someone (close) wants this thread back
            }
            if (timedOut) {
                String message = "scorer '" + name + "' did not finish within its timeout of " + timeout.toMillis()
                        + " ms";
                if (gate == null) {
                    // a CPU-bound scorer that overran: running it again would overrun again
                    return failed(name, AssessmentError.of(FailureCodes.TIMEOUT, message), start, attempt, null);
                }
                Thread.interrupted(); // the watchdog's interrupt is spent
                failure = new JudgeException(FailureKind.TIMEOUT, message);
            }
            if (failure == null) {
                if (gate != null) {
                    gate.onSuccess();
                }
                List<Feedback> feedback = normalize(scorer, name, raw);
                AssessmentError err = feedback.size() == 1 && feedback.get(0).isError()
                        && FailureCodes.INVALID_RETURN.equals(feedback.get(0).error().code())
                        ? feedback.get(0).error() : null;
                return new Outcome(feedback, ticker.getAsLong() - start, attempt, err, null);
            }
            JudgeException judge = ScorerFailures.judgeCause(failure);
            FailureKind kind = kindOf(failure);
            if (gate != null && kind != null) {
                gate.onFailure(kind, judge == null ? null : judge.retryAfter(), ScorerFailures.describe(failure));
            } else if (gate != null) {
                gate.onScorerFailure();
            }
            if (execution == null) {
                execution = Execution.of(failsafeRetry);
            }
            execution.recordException(failure);
            Duration retryAfter = judge == null ? null : judge.retryAfter();
            boolean waitable = retryAfter == null || retryAfter.compareTo(retry.maxElapsed()) <= 0;
            if (!execution.isComplete() && waitable) {
                Duration pause = execution.getDelay();
                if (retryAfter != null) {
                    pause = retryAfter; // the server's word, neither shortened nor lengthened by jitter
                }
                long elapsedAfterPause = ticker.getAsLong() - start + pause.toNanos();
                if (elapsedAfterPause <= retry.maxElapsed().toNanos()) {
                    try {
                        pauser.pause(pause);
                        continue;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            String code = kind != null ? kind.name() : FailureCodes.SCORER_EXCEPTION;
            String message = "scorer '" + name + "' failed" + (attempt > 1 ? " after " + attempt + " attempts" : "")
                    + ": " + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
                    + (waitable ? "" : " (Retry-After " + retryAfter.toSeconds() + " s exceeds the "
                            + retry.maxElapsed().toSeconds() + " s of immediate retries)");
            return failed(name, dev.vigil.core.scorer.ResultLimits.error(
                    new AssessmentError(code, message, judge != null ? null : ScorerFailures.stackTrace(failure))), start,
                    attempt, kind);
        }
    }

    /**
     * @param policy the retry settings
     * @return a Failsafe retry policy with these settings, handling retryable {@link dev.vigil.spi.judge.JudgeException}s (and I/O
     *     failures); the caller waits the server's Retry-After instead of the back-off when it gives one, and
     *     checks the elapsed-time bound on its injected clock
     */
    static dev.failsafe.RetryPolicy<Object> failsafe(RetryPolicy policy) {
        dev.failsafe.RetryPolicyBuilder<Object> b = dev.failsafe.RetryPolicy.builder()
                .handleIf((Object result, Throwable failure) -> failure != null && ScorerFailures.retryable(failure))
                .withMaxAttempts(policy.maxAttempts());
        if (policy.maxAttempts() > 1 && !policy.initialBackoff().isZero()) {
            if (policy.maxBackoff().compareTo(policy.initialBackoff()) > 0) {
                b.withBackoff(policy.initialBackoff(), policy.maxBackoff());
            } else {
                b.withDelay(policy.initialBackoff());
            }
            if (policy.jitter() > 0) {
                b.withJitter(policy.jitter());
            }
        }
        return b.build();
    }


    /** MLflow's normalisation (ScorerResults), plus: non-finite numbers are garbage, the registered name wins. */
    private static List<Feedback> normalize(Scorer scorer, String name, Object raw) {
        try {
            if (raw instanceof Number n && !Double.isFinite(n.doubleValue())) {
                return List.of(invalid(name, "the non-finite number " + n));
            }
            List<Feedback> out = ScorerResults.normalize(scorer, raw);
            String own = scorer.name();
            if (own.equals(name)) {
                return out;
            }
            List<Feedback> renamed = new java.util.ArrayList<>(out.size());
            for (Feedback f : out) {
                renamed.add(f.name().equals(own) ? f.withName(name) : f);
            }
            return renamed;
        } catch (RuntimeException e) {
            return List.of(invalid(name, "a value that cannot be recorded (" + e.getMessage() + ")"));
        }
    }

    private static Feedback invalid(String name, String what) {
        return Feedback.error(AssessmentError.of(FailureCodes.INVALID_RETURN, "scorer '" + name + "' returned "
                + what + "; a scorer may return a Boolean, Number, String, Feedback, List<Feedback> or null"))
                .withName(name);
    }

    private Outcome failed(String name, AssessmentError error, long start, int attempts, FailureKind kind) {
        return new Outcome(List.of(Feedback.error(error).withName(name)), ticker.getAsLong() - start, attempts,
                error, kind);
    }

    private static Scorer.Workload scorerWorkload(Scorer scorer) {
        try {
            Scorer.Workload w = scorer.workload();
            return w == null ? Scorer.Workload.CPU : w;
        } catch (RuntimeException e) {
            return Scorer.Workload.CPU;
        }
    }




    /**
     * @param provider a provider key
     * @return the rate the adaptive limiter uses now for it, or the configured one if it was never called
     */
    public double currentRate(String provider) {
        ProviderGate g = gates.get(provider);
        return g == null ? providerLimits.getOrDefault(provider, defaultLimit).permitsPerSecond() : g.currentRate();
    }

    @Override
    public void close() {
        watchdog.close();
    }

    /**
     * @param failure what a scorer threw
     * @return its kind: a {@link JudgeException}'s anywhere in the cause chain, {@link FailureKind#CONNECTION} for
     *     an I/O failure, else null (a scorer's own failure)
     */
    public static FailureKind kindOf(Throwable failure) {
        return ScorerFailures.kindOf(failure);
    }

    /** See {@link ScorerFailures#describe}. */
    static String describe(Throwable t) {
        return ScorerFailures.describe(t);
    }
}
