package dev.vigil.server;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.core.Vigil;
import dev.vigil.otel.Admission;
import dev.vigil.otel.ExperimentRouter;
import dev.vigil.otel.OtlpDecoder;
import dev.vigil.otel.OtlpIngest;
import dev.vigil.otel.TraceAssembler;
import dev.vigil.server.api.ApiRouter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vigil HTTP server: OTLP/HTTP traces at {@code POST /v1/traces} assembled into traces and scored by the
 * embedded {@link Vigil}'s monitoring engine, {@code GET /health}, {@code GET /metrics} (Micrometer meters in the Prometheus text format, or JSON),
 * and any extra routes given to the builder.
 *
 * <p>Built on the JDK's {@code jdk.httpserver} with a virtual thread per request: a JPMS module of the JDK itself,
 * no dependency to resolve. Without a bearer token it binds to loopback unless a host is given explicitly.
 * {@link #close()} drains: new requests get 503 + Retry-After, open traces are ticked a last time, the HTTP server
 * stops after the requests in flight (up to the grace period), then the caller closes the engine.
 *
 * <p>This class assembles the server from its {@link Builder}'s options and runs the assembler's ticks; the routes and
 * their auth are wired by {@code ServerRoutes}, {@code /health} and {@code /metrics} are their own handlers.
 */
public final class VigilServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VigilServer.class);

    private final HttpServer http;
    private final OtlpIngest ingest;
    private final ScheduledExecutorService ticker;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final MeterRegistry metrics;
    private final Duration grace;
    private final HealthHandler health;

    private VigilServer(Builder b) throws IOException {
        this.metrics = b.metrics;
        this.grace = b.grace;
        TraceAssembler assembler = TraceAssembler.builder(b.vigil.store()).clock(b.clock).quietPeriod(b.quietPeriod)
                .maxAge(b.maxAge).maxOpenTraces(b.maxOpenTraces).lateSpanRule(b.lateSpanRule)
                .onComplete(b.vigil.engine()::wakeUp).build();
        int recovered = assembler.recover();
        if (recovered > 0) {
            LOG.info("re-adopted {} traces left in progress", recovered);
        }
        Admission admission = b.admission != null ? b.admission : b.maxEngineBacklog == Long.MAX_VALUE
                ? Admission.always() : Admission.engineBacklog(() -> {
                    var stats = b.vigil.stats();
                    return stats.queueDepth() + stats.cursorLag();
                }, b.maxEngineBacklog, Duration.ofSeconds(5));
        this.ingest = new OtlpIngest(new OtlpDecoder(b.maxRequestBytes), new ExperimentRouter(b.vigil.store(),
                b.experimentAttribute), assembler, admission);
        Gauge.builder("vigil.otlp.open.traces", assembler, TraceAssembler::openTraces).register(metrics);
        String host = b.host != null ? b.host : b.token == null ? InetAddress.getLoopbackAddress().getHostAddress()
                : "0.0.0.0";
        if (b.dashboard && b.token == null && !InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IOException("the dashboard and API need VIGIL_SERVER_TOKEN to listen on " + host
                    + " (without a token they listen on loopback only): set the token or leave out --host");
        }
        this.http = HttpServer.create(new InetSocketAddress(host, b.port), 0);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        this.health = new HealthHandler(draining::get, assembler::openTraces);
        ApiRouter api = b.dashboard
                ? new ApiRouter(b.vigil, b.clock.withZone(ZoneOffset.UTC), b.maxRequestBytes) : null;
        ServerRoutes.wire(http, b.token, new OtlpTracesHandler(ingest, b.maxRequestBytes, draining::get, metrics),
                health, new MetricsHandler(metrics), b.routes, api);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-server-assembler");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, Math.min(500, b.quietPeriod.toMillis() / 4));
        ticker.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
        http.start();
    }

    /** @param vigil the embedded Vigil whose store and engine are used (the caller starts monitoring and closes it) */
    public static Builder builder(Vigil vigil) {
        return new Builder(vigil);
    }

    /** @return the bound address (port 0 resolved) */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:4318} */
    public String url() {
        return "http://" + address().getAddress().getHostAddress() + ":" + address().getPort();
    }

    /**
     * A meter registry shared by a server and the engine it runs, so {@code /metrics} shows the engine's meters
     * (scored, failed, latency, queue depth, cursor lag: {@link dev.vigil.core.metrics.MicrometerMetrics}) beside
     * the server's: give {@link #engine()} to {@link Vigil.Builder#metrics} and {@link #registry()} to
     * {@link Builder#metrics}.
     *
     * @param registry the registry both publish to
     */
    public record Meters(MeterRegistry registry) {

        /** Validates. */
        public Meters {
            Objects.requireNonNull(registry, "registry");
        }

        /** @return meters on a new in-memory registry */
        public static Meters create() {
            return new Meters(new SimpleMeterRegistry());
        }

        /** @return the engine's metrics hook publishing to the registry */
        public dev.vigil.core.metrics.EngineMetrics engine() {
            return dev.vigil.core.metrics.MicrometerMetrics.of(registry);
        }
    }

    /** @return the metrics registry */
    public MeterRegistry metrics() {
        return metrics;
    }

    /** @return the trace assembler */
    public TraceAssembler assembler() {
        return ingest.assembler();
    }

    private void tick() {
        try {
            ingest.assembler().tick();
        } catch (RuntimeException e) {
            LOG.warn("trace assembly tick failed (will retry): {}", e.toString());
        }
    }

    /**
     * Adds a section to {@code GET /health} (e.g. a Kafka source's lag), read at each request. A section whose
     * {@code status} entry is {@code "DOWN"} makes the whole health {@code DOWN} (HTTP 503); a section that throws
     * is shown as {@code DOWN} with the failure.
     *
     * @param name the section's key in the health JSON (not {@code status} or {@code openTraces})
     * @param section the section's entries
     */
    public void healthSection(String name, Supplier<Map<String, Object>> section) {
        health.section(name, section);
    }

    /** Drains and stops: see the class comment. Does not close the {@link Vigil}. */
    @Override
    public void close() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        ticker.shutdown();
        try {
            ticker.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tick();
        http.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, grace.toSeconds())));
    }

    /** Options of a {@link VigilServer}. */
    public static final class Builder {
        private final Vigil vigil;
        private String host;
        private int port = 4318;
        private String token;
        private long maxRequestBytes = 32L * 1024 * 1024;
        private Duration quietPeriod = Duration.ofSeconds(2);
        private Duration maxAge = Duration.ofMinutes(10);
        private int maxOpenTraces = 100_000;
        private TraceAssembler.LateSpanRule lateSpanRule = TraceAssembler.LateSpanRule.UPDATE_KEEP_ASSESSMENTS;
        private String experimentAttribute = "service.name";
        private InstantSource clock = InstantSource.system();
        private MeterRegistry metrics = new SimpleMeterRegistry();
        private long maxEngineBacklog = 10_000;
        private Admission admission;
        private Duration grace = Duration.ofSeconds(5);
        private final Map<String, HttpHandler> routes = new LinkedHashMap<>();
        private boolean dashboard;

        private Builder(Vigil vigil) {
            this.vigil = Objects.requireNonNull(vigil, "vigil");
        }

        /** @param v the interface to bind (default loopback without a token, all interfaces with one) @return this */
        public Builder host(String v) {
            host = v;
            return this;
        }

        /** @param v the port (0: any free port; default 4318, OTLP/HTTP's) @return this */
        public Builder port(int v) {
            port = v;
            return this;
        }

        /** @param v the bearer token required on every route but /health, or null for none @return this */
        public Builder token(String v) {
            token = v == null || v.isBlank() ? null : v;
            return this;
        }

        /** @param v the largest request body, compressed or not (413 above) @return this */
        public Builder maxRequestBytes(long v) {
            maxRequestBytes = v;
            return this;
        }

        /** @param v the quiet period of trace assembly @return this */
        public Builder quietPeriod(Duration v) {
            quietPeriod = v;
            return this;
        }

        /** @param v the maximum age of an open trace @return this */
        public Builder maxAge(Duration v) {
            maxAge = v;
            return this;
        }

        /** @param v the admission limit: traces being assembled at once (429 above) @return this */
        public Builder maxOpenTraces(int v) {
            maxOpenTraces = v;
            return this;
        }

        /**
         * @param v the engine backlog (scorer runs queued + arrivals read and not committed) above which
         *     {@code POST /v1/traces} answers 503 + Retry-After; {@code Long.MAX_VALUE} never refuses
         * @return this
         */
        public Builder maxEngineBacklog(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("maxEngineBacklog must be 0 or more, got " + v);
            }
            maxEngineBacklog = v;
            return this;
        }

        /** @param v the admission checked before each request (replaces {@link #maxEngineBacklog}) @return this */
        public Builder admission(Admission v) {
            admission = v;
            return this;
        }

        /** @param v what spans arriving after their trace completed do @return this */
        public Builder lateSpanRule(TraceAssembler.LateSpanRule v) {
            lateSpanRule = v;
            return this;
        }

        /** @param v the resource attribute naming the experiment when no header does @return this */
        public Builder experimentAttribute(String v) {
            experimentAttribute = v;
            return this;
        }

        /** @param v the clock of trace assembly @return this */
        public Builder clock(InstantSource v) {
            clock = v;
            return this;
        }

        /** @param v where the server's meters go @return this */
        public Builder metrics(MeterRegistry v) {
            metrics = v;
            return this;
        }

        /** @param v how long {@link #close()} waits for requests in flight @return this */
        public Builder grace(Duration v) {
            grace = v;
            return this;
        }

        /**
         * Adds a route (e.g. the dashboard API), behind the bearer token if one is set.
         *
         * @param path the path prefix
         * @param handler its handler
         * @return this
         */
        public Builder route(String path, HttpHandler handler) {
            routes.put(path, handler);
            return this;
        }

        /**
         * Serves the REST API at {@code /api/v1} and the dashboard at {@code /} (with the login form when a token
         * is set). Without a token they need a loopback address: {@link #start()} refuses another host.
         *
         * @param v true to serve them (default false)
         * @return this
         */
        public Builder dashboard(boolean v) {
            dashboard = v;
            return this;
        }

        /**
         * @return the started server
         * @throws UncheckedIOException if the port cannot be bound
         */
        public VigilServer start() {
            try {
                return new VigilServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + (host == null ? "" : host) + ":" + port + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
