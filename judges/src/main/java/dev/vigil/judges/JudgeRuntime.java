package dev.vigil.judges;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.judge.JudgeConfig;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.judge.JudgeModel;
import dev.vigil.spi.judge.JudgeProvider;
import dev.vigil.spi.judge.JudgeRequest;
import dev.vigil.spi.judge.JudgeResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where judges send their calls: resolves a model URI ({@code scheme:/model}) to a {@link JudgeProvider} found by
 * {@link ServiceLoader}, and wraps every call in an answer cache, the per-call HTTP timeout and the accounting
 * (tokens, latency, cost). It does <em>not</em> retry, rate-limit or break circuits: one layer does that for every
 * scorer, the engine's {@code dev.vigil.core.engine.internal.ScorerRunner} (shared by the engine, backfill and
 * {@code evaluate}), acting on the {@link dev.vigil.spi.judge.FailureKind} of the {@link JudgeException} that
 * {@link #complete} throws. Configuration errors (an unknown scheme, a missing key) fail fast with an
 * {@link InvalidInputException} saying what to set.
 *
 * <p>Settings come from the builder over the environment (a map, {@link System#getenv()} by default):
 * {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code ANTHROPIC_API_KEY}, {@code ANTHROPIC_BASE_URL},
 * {@code DATABRICKS_HOST}, {@code DATABRICKS_TOKEN}, {@code GEMINI_API_KEY}, {@code MLFLOW_GATEWAY_URI}, and the
 * default judge model {@code VIGIL_JUDGE_MODEL}. Values never appear in {@link #toString()}, logs or errors.
 * Thread-safe.
 */
public final class JudgeRuntime {

    /** The environment variable naming the default judge model. */
    public static final String DEFAULT_MODEL_ENV = "VIGIL_JUDGE_MODEL";
    /** The default per-call timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The default cache size (answers). */
    public static final long DEFAULT_CACHE_SIZE = 10_000;
    /** The default cache age. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(24);

    private static final Logger LOG = LoggerFactory.getLogger(JudgeRuntime.class);
    private static volatile JudgeRuntime shared;

    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final PriceTable prices;
    private final JudgeModels models;
    private final Cache<CacheKey, JudgeResponse> cache;
    private final JudgeAccounting accounting;

    private JudgeRuntime(Builder b) {
        Map<String, String> s = new LinkedHashMap<>(b.env);
        s.putAll(b.settings);
        s.put(JudgeConfig.TIMEOUT_MS, Long.toString(b.timeout.toMillis()));
        String dm = b.defaultModel != null ? b.defaultModel : s.get(DEFAULT_MODEL_ENV);
        this.models = new JudgeModels(Map.copyOf(s), dm == null || dm.isBlank() ? null : dm.trim(), b.providers);
        this.timeout = b.timeout;
        this.nanoTime = b.nanoTime;
        this.prices = b.prices;
        this.accounting = new JudgeAccounting(b.meter);
        this.cache = b.cacheEnabled
                ? Caffeine.newBuilder().maximumSize(b.cacheSize).expireAfterWrite(b.cacheTtl)
                        .ticker(nanoTime::getAsLong).build()
                : null;
    }

    /** @return a builder reading the process environment unless {@link Builder#environment} says otherwise */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the runtime judges use when none is given (built once from the process environment), e.g. for
     *     judges read back from storage by {@link JudgeCodec}
     */
    public static JudgeRuntime shared() {
        JudgeRuntime r = shared;
        if (r == null) {
            synchronized (JudgeRuntime.class) {
                r = shared;
                if (r == null) {
                    r = builder().build();
                    shared = r;
                }
            }
        }
        return r;
    }

    /** @return the schemes this runtime serves, sorted */
    public java.util.Set<String> schemes() {
        return models.schemes();
    }

    /**
     * @param modelUri a model URI, or null for the default model
     * @return the model URI to use, checked: a known scheme and a model name
     * @throws InvalidInputException if no model is given nor configured, or the scheme is unknown
     */
    public String resolveModel(String modelUri) {
        return models.resolve(modelUri);
    }

    /** @return the default model URI ({@code VIGIL_JUDGE_MODEL} or the builder's), if any */
    public java.util.Optional<String> defaultModel() {
        return models.defaultModel();
    }

    /** @return the price table */
    public PriceTable prices() {
        return prices;
    }

    /** @return totals since this runtime was built */
    public JudgeStats stats() {
        return accounting.stats();
    }

    /**
     * Makes the model for a URI now, so a missing key or host fails at configuration time.
     *
     * @param modelUri a model URI
     * @throws InvalidInputException saying what to set
     */
    public void check(String modelUri) {
        models.model(resolveModel(modelUri));
    }

    /**
     * Asks a model once, through the cache.
     *
     * @param modelUri the model URI
     * @param request the request
     * @return the answer with its accounting
     * @throws JudgeException when the provider fails, with its {@link dev.vigil.spi.judge.FailureKind}
     * @throws InvalidInputException for a configuration error (unknown scheme, missing key)
     */
    public JudgeOutcome complete(String modelUri, JudgeRequest request) {
        Objects.requireNonNull(request, "request");
        String uri = models.resolve(modelUri);
        JudgeModel model = models.model(uri);
        long start = nanoTime.getAsLong();
        accounting.called();
        CacheKey key = cache == null ? null : new CacheKey(uri, request);
        if (key != null) {
            JudgeResponse hit = cache.getIfPresent(key);
            if (hit != null) {
                JudgeOutcome cached = new JudgeOutcome(uri, hit, true, elapsed(start), null);
                accounting.cached(cached);
                return cached;
            }
        }
        JudgeResponse response;
        try {
            response = model.complete(request);
        } catch (JudgeException e) {
            accounting.failed(new JudgeOutcome(uri, null, false, elapsed(start), null), e);
            LOG.debug("{} failed: {}", uri, e.kind());
            throw e;
        }
        if (key != null) {
            cache.put(key, response);
        }
        Double c = prices.cost(uri, response.inputTokens(), response.outputTokens()).orElse(null);
        JudgeOutcome ok = new JudgeOutcome(uri, response, false, elapsed(start), c);
        accounting.answered(ok);
        return ok;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }

    @Override
    public String toString() {
        return "JudgeRuntime[schemes=" + schemes() + ", defaultModel=" + models.defaultModel().orElse(null)
                + ", timeout=" + timeout
                + ", cache=" + (cache != null) + "]";
    }

    private record CacheKey(String modelUri, JudgeRequest request) {}

    /** Builds a {@link JudgeRuntime}; each setter validates at once. */
    public static final class Builder {
        private Map<String, String> env = System.getenv();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, JudgeProvider> providers = new LinkedHashMap<>();
        private String defaultModel;
        private Duration timeout = DEFAULT_TIMEOUT;
        private LongSupplier nanoTime = System::nanoTime;
        private boolean cacheEnabled = true;
        private long cacheSize = DEFAULT_CACHE_SIZE;
        private Duration cacheTtl = DEFAULT_CACHE_TTL;
        private PriceTable prices = PriceTable.EMPTY;
        private JudgeMeter meter = JudgeMeter.NONE;

        private Builder() {}

        /**
         * Publishes Micrometer meters {@code vigil.judge.calls} (tags model, outcome = ok / cached / the failure
         * kind), {@code vigil.judge.latency}, {@code vigil.judge.tokens} (tags model, direction) and
         * {@code vigil.judge.cost.usd}. Micrometer is an optional dependency: only an application that calls this
         * needs it.
         *
         * @param registry where to publish (none by default)
         * @return this
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meter = new MicrometerJudgeMeter(Objects.requireNonNull(registry, "registry"));
            return this;
        }

        /** @param environment the variables to read settings from (instead of the process's) @return this */
        public Builder environment(Map<String, String> environment) {
            this.env = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /** @param key a setting, e.g. {@code OPENAI_API_KEY} @param value its value @return this */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
            return this;
        }

        /** @param modelUri the model judges use when they name none @return this */
        public Builder defaultModel(String modelUri) {
            this.defaultModel = Objects.requireNonNull(modelUri, "modelUri");
            return this;
        }

        /** @param provider a provider to use for its scheme, over one found by ServiceLoader @return this */
        public Builder provider(JudgeProvider provider) {
            providers.put(provider.scheme(), provider);
            return this;
        }

        /** @param perCall the timeout of one HTTP call (> 0) @return this */
        public Builder timeout(Duration perCall) {
            if (perCall == null || perCall.isNegative() || perCall.isZero()) {
                throw new InvalidInputException("the judge call timeout must be > 0, got " + perCall);
            }
            this.timeout = perCall;
            return this;
        }

        /** @param clock a nanosecond clock for the cache and latency @return this */
        public Builder nanoTime(LongSupplier clock) {
            this.nanoTime = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param enabled whether identical requests are answered from the cache @return this */
        public Builder cache(boolean enabled) {
            this.cacheEnabled = enabled;
            return this;
        }

        /** @param maximumSize answers kept (> 0) @param maximumAge how long an answer is kept (> 0) @return this */
        public Builder cache(long maximumSize, Duration maximumAge) {
            if (maximumSize <= 0 || maximumAge == null || maximumAge.isNegative() || maximumAge.isZero()) {
                throw new InvalidInputException("the judge cache needs a size > 0 and an age > 0, got " + maximumSize
                        + " and " + maximumAge + "; use cache(false) to turn it off");
            }
            this.cacheEnabled = true;
            this.cacheSize = maximumSize;
            this.cacheTtl = maximumAge;
            return this;
        }

        /** @param table prices per model @return this */
        public Builder prices(PriceTable table) {
            this.prices = Objects.requireNonNull(table, "table");
            return this;
        }

        /** @return the runtime */
        public JudgeRuntime build() {
            JudgeRuntime r = new JudgeRuntime(this);
            if (defaultModel != null) {
                r.resolveModel(defaultModel);
            }
            return r;
        }
    }
}
