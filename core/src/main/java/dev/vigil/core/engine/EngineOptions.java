package dev.vigil.core.engine;

import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the monitoring engine runs. Build with {@link #builder()}; every setter validates on the spot.
 *
 * @param engineId this engine's id, the owner of its leases (unique per process)
 * @param partitions how many partitions the trace stream is split into for sharing between engines (by trace id
 *     hash; each partition has its own lease and durable cursor)
 * @param leaseTtl how long a partition lease lasts without renewal (a dead engine's partitions move after this)
 * @param settleDelay how long after a trace completes before it is scored (0: at once)
 * @param pollInterval how often the store is polled for new arrivals when nothing signals them
 * @param batchSize arrivals read per poll
 * @param maxInFlight scorer runs admitted and not finished, at most (backpressure: the reader waits)
 * @param cpuThreads threads of the pool that runs CPU-bound scorers
 * @param scorerTimeout time allowed to one scorer attempt
 * @param retry retry policy for retryable failures
 * @param defaultProviderLimit limits for a judge provider not in {@code providerLimits}
 * @param providerLimits limits per judge provider
 * @param authFailuresBeforePause consecutive authentication failures after which a scorer is paused
 * @param scorerRefresh how often the registered scorers are re-read (changes from another process)
 * @param drainTimeout how long {@code close()} waits for scorer runs in flight
 * @param retryFirstDelay how long a pair deferred after a transient failure waits before its first later attempt
 *     (doubled on each further failure)
 * @param retryMaxDelay the longest wait between later attempts of a deferred pair (the back-off's bound)
 */
public record EngineOptions(String engineId, int partitions, Duration leaseTtl, Duration settleDelay,
        Duration pollInterval, int batchSize, int maxInFlight, int cpuThreads, Duration scorerTimeout,
        RetryPolicy retry, ProviderLimit defaultProviderLimit, Map<String, ProviderLimit> providerLimits,
        int authFailuresBeforePause, Duration scorerRefresh, Duration drainTimeout, Duration retryFirstDelay,
        Duration retryMaxDelay) {

    /** Validates and freezes. */
    public EngineOptions {
        Objects.requireNonNull(engineId, "engineId");
        providerLimits = Map.copyOf(providerLimits);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link EngineOptions}. */
    public static final class Builder {
        private String engineId = "engine-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime() & 0xffffffL);
        private int partitions = 1;
        private Duration leaseTtl = Duration.ofSeconds(10);
        private Duration settleDelay = Duration.ZERO;
        private Duration pollInterval = Duration.ofMillis(100);
        private int batchSize = 500;
        private int maxInFlight = 10_000;
        private int cpuThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration scorerTimeout = Duration.ofSeconds(60);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private ProviderLimit defaultProviderLimit = ProviderLimit.DEFAULT;
        private final java.util.HashMap<String, ProviderLimit> providerLimits = new java.util.HashMap<>();
        private int authFailuresBeforePause = 3;
        private Duration scorerRefresh = Duration.ofSeconds(1);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private Duration retryFirstDelay = Duration.ofSeconds(30);
        private Duration retryMaxDelay = Duration.ofHours(1);

        private Builder() {}

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidInputException(what + " must be positive, got " + d);
            }
            return d;
        }

        private static int atLeastOne(String what, int n) {
            if (n < 1) {
                throw new InvalidInputException(what + " must be 1 or more, got " + n);
            }
            return n;
        }

        /** @param v a unique id for this engine @return this */
        public Builder engineId(String v) {
            if (v == null || v.isBlank()) {
                throw new InvalidInputException("engineId must be non-blank");
            }
            engineId = v;
            return this;
        }

        /** @param v partitions, 1–1024 @return this */
        public Builder partitions(int v) {
            if (v < 1 || v > 1024) {
                throw new InvalidInputException("partitions must be in 1..1024, got " + v);
            }
            partitions = v;
            return this;
        }

        /** @param v lease time to live @return this */
        public Builder leaseTtl(Duration v) {
            leaseTtl = positive("leaseTtl", v);
            return this;
        }

        /** @param v settle delay, 0 or more @return this */
        public Builder settleDelay(Duration v) {
            Objects.requireNonNull(v, "settleDelay");
            if (v.isNegative()) {
                throw new InvalidInputException("settleDelay must be 0 or more, got " + v);
            }
            settleDelay = v;
            return this;
        }

        /** @param v poll interval @return this */
        public Builder pollInterval(Duration v) {
            pollInterval = positive("pollInterval", v);
            return this;
        }

        /** @param v arrivals per read, 1–100000 @return this */
        public Builder batchSize(int v) {
            if (v < 1 || v > 100_000) {
                throw new InvalidInputException("batchSize must be in 1..100000, got " + v);
            }
            batchSize = v;
            return this;
        }

        /** @param v in-flight bound @return this */
        public Builder maxInFlight(int v) {
            maxInFlight = atLeastOne("maxInFlight", v);
            return this;
        }

        /** @param v CPU pool threads @return this */
        public Builder cpuThreads(int v) {
            cpuThreads = atLeastOne("cpuThreads", v);
            return this;
        }

        /** @param v per-attempt scorer timeout @return this */
        public Builder scorerTimeout(Duration v) {
            scorerTimeout = positive("scorerTimeout", v);
            return this;
        }

        /** @param v retry policy @return this */
        public Builder retry(RetryPolicy v) {
            retry = Objects.requireNonNull(v, "retry");
            return this;
        }

        /** @param v limits for providers not configured by name @return this */
        public Builder defaultProviderLimit(ProviderLimit v) {
            defaultProviderLimit = Objects.requireNonNull(v, "defaultProviderLimit");
            return this;
        }

        /** @param provider a provider name, e.g. openai @param v its limits @return this */
        public Builder providerLimit(String provider, ProviderLimit v) {
            if (provider == null || provider.isBlank()) {
                throw new InvalidInputException("provider name must be non-blank");
            }
            providerLimits.put(provider, Objects.requireNonNull(v, "limit"));
            return this;
        }

        /** @param v consecutive auth failures before pausing, 1 or more @return this */
        public Builder authFailuresBeforePause(int v) {
            authFailuresBeforePause = atLeastOne("authFailuresBeforePause", v);
            return this;
        }

        /** @param v how often registered scorers are re-read @return this */
        public Builder scorerRefresh(Duration v) {
            scorerRefresh = positive("scorerRefresh", v);
            return this;
        }

        /** @param v how long close() waits for work in flight @return this */
        public Builder drainTimeout(Duration v) {
            drainTimeout = positive("drainTimeout", v);
            return this;
        }

        /** @param v first wait of a deferred pair, positive @return this */
        public Builder retryFirstDelay(Duration v) {
            retryFirstDelay = positive("retryFirstDelay", v);
            return this;
        }

        /** @param v longest wait between later attempts of a deferred pair, positive @return this */
        public Builder retryMaxDelay(Duration v) {
            retryMaxDelay = positive("retryMaxDelay", v);
            return this;
        }

        /** @return the options */
        public EngineOptions build() {
            if (retryMaxDelay.compareTo(retryFirstDelay) < 0) {
                throw new InvalidInputException("retryMaxDelay (" + retryMaxDelay + ") must be at least "
                        + "retryFirstDelay (" + retryFirstDelay + ")");
            }
            if (leaseTtl.compareTo(pollInterval.multipliedBy(3)) < 0) {
                throw new InvalidInputException("leaseTtl (" + leaseTtl + ") must be at least 3 poll intervals ("
                        + pollInterval.multipliedBy(3) + ") so that leases are renewed in time");
            }
            return new EngineOptions(engineId, partitions, leaseTtl, settleDelay, pollInterval, batchSize,
                    maxInFlight, cpuThreads, scorerTimeout, retry, defaultProviderLimit, providerLimits,
                    authFailuresBeforePause, scorerRefresh, drainTimeout, retryFirstDelay, retryMaxDelay);
        }
    }
}
