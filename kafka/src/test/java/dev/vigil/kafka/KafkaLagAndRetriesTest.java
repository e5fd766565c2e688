package dev.vigil.kafka;

import static dev.vigil.kafka.KafkaFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.RetryPolicy;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.judge.JudgeException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against a real in-process KRaft broker: the consumer lag in {@code /metrics} and {@code /health} of a real
 * {@link VigilServer}, wired as {@code vigil serve --kafka} wires it; transient scorer failures through the
 * store's retry queue.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaLagAndRetriesTest {

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final Pattern PARTITION_LAG = Pattern.compile(
            "(?m)^vigil_kafka_partition_lag\\{partition=\"(\\d+)\",topic=\"([^\"]+)\"} (\\d+)$");
    private static final Pattern TOTAL_LAG = Pattern.compile("(?m)^vigil_kafka_consumer_lag (\\d+)$");

    private final TestKafka kafka = TestKafka.shared();
    private final String topic = "lag-" + UUID.randomUUID();
    private final String group = "vigil-" + UUID.randomUUID();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private KafkaSourceOptions.Builder options() {
        return KafkaSourceOptions.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group).topic(topic)
                .experiment("kafka-test").pollTimeout(Duration.ofMillis(50));
    }

    private void produce(List<KafkaFixtures.SdkTrace> traces) {
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            for (KafkaFixtures.SdkTrace t : traces) {
                p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
            }
        }
    }

    @Test
    void consumerLag_perPartitionAndTotal_isInMetricsAndHealth_andFallsToZeroWhenScored() throws Exception {
        kafka.createTopic(topic, 2);
        Vigil vigil = keep(Vigil.builder().store("memory:").engineId("e1").maxInFlight(2)
                .scorerTimeout(Duration.ofMinutes(4)).build());
        ExperimentHandle exp = vigil.experiment("kafka-test");
        CountDownLatch release = new CountDownLatch(1);
        exp.scorers().register(Scorers.code("slow", in -> {
            try {
                return release.await(3, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        })).start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(30);
        produce(traces);
        VigilServer server = keep(VigilServer.builder(vigil).port(0).start());
        KafkaTraceSource source = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(),
                options().clientProperty("max.poll.records", "1").build(), "e1", Duration.ofSeconds(30)));
        source.start();
        // as ServeCommand wires a --kafka source into the server
        keep(KafkaLagMeters.bind(source, server.metrics()));
        server.healthSection("kafka", () -> source.health().asMap());

        // the scorer holds the first batches: reading pauses at the admission limit, nothing is committed, so all
        // 30 records are lag
        await("paused at the admission limit", DEADLINE, () -> source.health().paused());
        await("lag 30 in /metrics", DEADLINE, () -> totalLag(get(server, "/metrics")) == 30);
        String metrics = get(server, "/metrics");
        Map<String, Long> perPartition = partitionLag(metrics);
        assertThat(perPartition).containsOnlyKeys("0", "1");
        assertThat(perPartition.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
        assertThat(metrics).contains("# TYPE vigil_kafka_consumer_lag gauge")
                .contains("# TYPE vigil_kafka_partition_lag gauge");

        Map<?, ?> health = (Map<?, ?>) Json.parse(get(server, "/health"));
        assertThat(health.get("status")).isEqualTo("UP");
        Map<?, ?> k = (Map<?, ?>) health.get("kafka");
        assertThat(k.get("status")).isEqualTo("UP");
        assertThat(((Number) k.get("lag")).longValue()).isEqualTo(30);
        assertThat(((Map<?, ?>) k.get("partitionLag")).keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrder(topic + "-0", topic + "-1");
        assertThat(k.get("paused")).isEqualTo(true);

        release.countDown();
        await("every trace scored", DEADLINE, () -> traces.stream()
                .allMatch(t -> exp.assessments(t.mlflowTraceId()).size() == 1));
        await("lag 0 in /metrics", DEADLINE, () -> {
            String m = get(server, "/metrics");
            return totalLag(m) == 0 && partitionLag(m).values().stream().allMatch(v -> v == 0);
        });
        assertThat(KafkaTraceSourceTest.committed(kafka, topic, group)).isEqualTo(30);
        Map<?, ?> after = (Map<?, ?>) ((Map<?, ?>) Json.parse(get(server, "/health"))).get("kafka");
        assertThat(((Number) after.get("lag")).longValue()).isZero();

        // a stopped consume loop makes the health DOWN (503), so an orchestrator restarts the engine
        source.close();
        HttpResponse<String> down = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(((Map<?, ?>) Json.parse(down.body())).get("status")).isEqualTo("DOWN");
    }

    @Test
    void perPartitionLagSeries_followTheAssignment_whenASecondEngineJoins() throws Exception {
        kafka.createTopic(topic, 2);
        Vigil vigil = keep(Vigil.builder().store("memory:").engineId("e1").build());
        ExperimentHandle exp = vigil.experiment("kafka-test");
        exp.scorers().register(Scorers.code("ok", in -> true)).start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(8);
        produce(traces);
        VigilServer server = keep(VigilServer.builder(vigil).port(0).start());
        KafkaTraceSource first = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(), options().build(),
                "e1", Duration.ofSeconds(30)));
        first.start();
        keep(KafkaLagMeters.bind(first, server.metrics()));
        await("both partitions' lag series at 0", DEADLINE, () -> {
            Map<String, Long> lag = partitionLag(get(server, "/metrics"));
            return lag.keySet().equals(java.util.Set.of("0", "1")) && lag.values().stream().allMatch(v -> v == 0);
        });

        Vigil other = keep(Vigil.builder().store("memory:").engineId("e2").build());
        other.experiment("kafka-test");
        KafkaTraceSource second = keep(new KafkaTraceSource(other.store(), other.batchScorer(), options().build(),
                "e2", Duration.ofSeconds(30)));
        second.start();

        await("one partition each", DEADLINE, () -> first.health().partitions().size() == 1
                && second.health().partitions().size() == 1);
        await("the revoked partition's series is gone", DEADLINE,
                () -> partitionLag(get(server, "/metrics")).size() == 1);
        String kept = first.health().partitions().iterator().next();
        assertThat(partitionLag(get(server, "/metrics"))).containsOnlyKeys(kept.substring(kept.lastIndexOf('-') + 1));
        assertThat(totalLag(get(server, "/metrics"))).isZero();
    }

    @Test
    void transientScorerFailure_isDeferredToTheRetryQueue_offsetsCommitted_thenScoredOnce() throws Exception {
        kafka.createTopic(topic, 2);
        MutableClock clock = MutableClock.atDefaultStart();
        Store store = keep(Stores.open("memory:", StoreOptions.withClock(clock)));
        Vigil vigil = keep(Vigil.builder().store(store).clock(clock).engineId("e1").pauser(d -> { })
                .pollInterval(Duration.ofMillis(20))
                .retry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMinutes(5), 0.0))
                .retryFirstDelay(Duration.ofSeconds(30)).retryMaxDelay(Duration.ofMinutes(10)).build());
        ExperimentHandle exp = vigil.experiment("kafka-test");
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        exp.scorers().register(Scorers.code("judge", in -> {
            calls.incrementAndGet();
            if (down.get()) {
                throw new JudgeException(FailureKind.OVERLOADED, "503 from upstream", 503, null);
            }
            return "yes";
        })).start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(6);
        produce(traces);
        KafkaTraceSource source = keep(new KafkaTraceSource(store, vigil.batchScorer(), options().build(), "e1",
                Duration.ofSeconds(30)));
        source.start();

        // every run failed transiently: the pairs wait in the retry queue and the offsets moved past them
        await("6 pending pairs", DEADLINE, () -> store.retries().count(exp.id(), "judge", 1) == 6);
        await("offsets committed past the deferred batch", DEADLINE,
                () -> KafkaTraceSourceTest.committed(kafka, topic, group) == 6);
        for (KafkaFixtures.SdkTrace t : traces) {
            assertThat(exp.assessments(t.mlflowTraceId())).isEmpty(); // no error assessment
        }
        assertThat(store.retries().list(exp.id(), "judge", 1, 10)).allSatisfy(p -> {
            assertThat(p.lastKind()).isEqualTo(FailureKind.OVERLOADED);
            assertThat(p.nextAttemptAt()).isEqualTo(clock.instant().plusSeconds(30));
        });
        assertThat(calls.get()).isEqualTo(12); // 2 immediate attempts each, nothing later before the due time

        // the provider is back and the pairs come due: the source's retry loop scores each once
        down.set(false);
        clock.advance(Duration.ofSeconds(31));
        await("every trace scored once", DEADLINE, () -> traces.stream()
                .allMatch(t -> exp.assessments(t.mlflowTraceId()).size() == 1));
        await("queue drained", DEADLINE, () -> store.retries().count(exp.id(), "judge", 1) == 0);
        for (KafkaFixtures.SdkTrace t : traces) {
            Assessment a = exp.assessments(t.mlflowTraceId()).get(0);
            assertThat(a.feedback().value()).isEqualTo("yes");
            assertThat(a.feedback().error()).isNull();
        }
        assertThat(calls.get()).isEqualTo(18);
    }

    private String get(VigilServer server, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long totalLag(String metrics) {
        Matcher m = TOTAL_LAG.matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private Map<String, Long> partitionLag(String metrics) {
        Map<String, Long> out = new java.util.TreeMap<>();
        Matcher m = PARTITION_LAG.matcher(metrics);
        while (m.find()) {
            if (m.group(2).equals(topic)) {
                out.put(m.group(1), Long.parseLong(m.group(3)));
            }
        }
        return out;
    }
}
