package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue #15: {@code vigil serve}'s {@code /metrics} carries the engine's meters, not only the server's. */
class ServeMetricsTest {

    private static final Pattern SCORED = Pattern.compile(
            "(?m)^vigil_scorer_scored_total\\{scorer=\"concise\"} ([0-9.E]+)$");

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void serveMetrics_showTheEnginesScoredCountAndLag_whileItScores() throws Exception {
        assertThat(cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise")
                .code()).isZero();
        assertThat(cli.run("scorers", "start", "concise", "--sample-rate", "1.0").code()).isZero();
        String experimentId = store.experiments().list().getFirst().experimentId();
        Instant at = Instant.now().minus(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            store.traces().put(List.of(new Trace(TraceInfo.builder().traceId("tr-metrics-" + i)
                    .experimentId(experimentId).requestTime(at.plusSeconds(i)).state(TraceState.OK)
                    .requestPreview("hi").responsePreview("short answer").build(), List.of())));
        }
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Thread[] serving = new Thread[1];
        CompletableFuture<Cli.Result> served = new CompletableFuture<>();
        serving[0] = Thread.ofPlatform().name("serve-under-test").start(() -> served.complete(
                cli.run("serve", "--port", Integer.toString(port), "--duration", "600s", "--no-dashboard")));
        try {
            HttpClient http = HttpClient.newHttpClient();
            String body = "";
            double scored = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3); // a hang guard on a busy machine
            while (scored < 3 && System.nanoTime() < deadline && !served.isDone()) {
                try {
                    body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
                    Matcher m = SCORED.matcher(body);
                    scored = m.find() ? Double.parseDouble(m.group(1)) : 0;
                } catch (java.io.IOException notYetListening) {
                    // the server is still starting
                }
                if (scored < 3) {
                    Thread.sleep(200);
                }
            }

            assertThat(scored).as(body).isEqualTo(3.0);
            assertThat(body).contains("vigil_traces_seen_total{experiment=\"" + experimentId + "\"} 3")
                    .containsPattern("(?m)^vigil_engine_cursor_lag [0-9.E]+$")
                    .containsPattern("(?m)^vigil_scorer_latency_count\\{scorer=\"concise\"} 3")
                    .contains("vigil_otlp_open_traces"); // the server's own meters are still there
        } finally {
            serving[0].interrupt(); // serve's stop signal treats an interrupt as Ctrl-C
            Cli.Result r = served.get(2, TimeUnit.MINUTES);
            assertThat(r.out()).contains("Stopped cleanly.");
        }
    }
}
