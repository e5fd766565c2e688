package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real {@code vigil serve --kafka bootstrap=…,topic=…} command against the kafka module's in-process KRaft
 * broker: OTLP protobuf records written by the OpenTelemetry SDK are stored and scored, and {@code /health} and
 * {@code /metrics} show the consumer lag. Tagged {@code kafka-broker}: it runs in this module's class-path Surefire
 * execution that has the broker (see the pom).
 */
@Tag("kafka-broker")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServeKafkaTest {

    private static final Pattern TOTAL_LAG = Pattern.compile("(?m)^vigil_kafka_consumer_lag (\\d+)$");

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void serveKafka_scoresOtlpProtobufRecords_andHealthAndMetricsShowTheConsumerLag() throws Exception {
        String topic = "serve-" + UUID.randomUUID();
        String group = "serve-" + UUID.randomUUID();
        KafkaBroker.createTopic(topic, 2);
        String experimentId;
        try (Vigil v = Vigil.builder().store(store).build()) {
            var exp = v.experiment("kafka-cli");
            exp.scorers().register(Scorers.ofClass("answered", OutputIsAnswer.class)).start(SamplingConfig.of(1.0));
            experimentId = exp.id();
        }
        List<String> traceIds = KafkaBroker.produceOtlpProto(topic, 12);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        // the duration bounds the run; everything below is seen while it serves
        CompletableFuture<Cli.Result> served = CompletableFuture.supplyAsync(() -> cli.run("serve", "--port",
                Integer.toString(port), "--duration", "30s", "--engine-id", "cli-e1", "--kafka",
                "bootstrap=" + KafkaBroker.bootstrapServers() + ",topic=" + topic + ",group=" + group
                        + ",experiment=kafka-cli,session.timeout.ms=10000"));

        await("every trace scored", served, () -> traceIds.stream()
                .allMatch(id -> store.assessments().listByTrace(id).size() == 1));
        await("offsets committed to the end", served, () -> KafkaBroker.committed(topic, group) == 12);
        await("lag 0 in /metrics and /health", served, () -> {
            Matcher m = TOTAL_LAG.matcher(get(base + "/metrics"));
            Map<?, ?> kafka = (Map<?, ?>) ((Map<?, ?>) Json.parse(get(base + "/health"))).get("kafka");
            return m.find() && Long.parseLong(m.group(1)) == 0 && kafka != null
                    && ((Number) kafka.get("lag")).longValue() == 0 && ((List<?>) kafka.get("partitions")).size() == 2;
        });
        String metrics = get(base + "/metrics");
        assertThat(metrics).contains("# TYPE vigil_kafka_consumer_lag gauge")
                .contains("vigil_kafka_partition_lag{partition=\"0\",topic=\"" + topic + "\"} 0")
                .contains("vigil_kafka_partition_lag{partition=\"1\",topic=\"" + topic + "\"} 0");
        Map<?, ?> health = (Map<?, ?>) Json.parse(get(base + "/health"));
        assertThat(health.get("status")).isEqualTo("UP");
        Map<?, ?> kafka = (Map<?, ?>) health.get("kafka");
        assertThat(kafka.get("status")).isEqualTo("UP");
        assertThat(((Number) kafka.get("recordsRead")).longValue()).isEqualTo(12);
        assertThat(((Map<?, ?>) kafka.get("partitionLag")).keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder(topic + "-0", topic + "-1");

        Cli.Result r = served.get(3, TimeUnit.MINUTES);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Scoring Kafka topic(s) [" + topic + "]").contains("in group " + group)
                .contains("as cli-e1").contains("Kafka: 12 records read, 0 dead-lettered, lag 0")
                .contains("Stopped cleanly.");
        for (String id : traceIds) {
            List<Assessment> as = store.assessments().listByTrace(id);
            assertThat(store.traces().get(id)).hasValueSatisfying(
                    t -> assertThat(t.experimentId()).isEqualTo(experimentId));
            assertThat(as).singleElement().satisfies(a -> {
                assertThat(a.scorerName()).isEqualTo("answered");
                assertThat(a.feedback().value()).isEqualTo(true);
            });
        }
    }

    private static void await(String what, CompletableFuture<Cli.Result> served, BooleanSupplier condition) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (served.isDone()) {
                throw new AssertionError("vigil serve ended before: " + what + "; " + served.join());
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the server is not listening yet
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }

    private String get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
