package dev.vigil.kafka;

import static dev.vigil.kafka.KafkaFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Engine processes (child JVMs) in one consumer group on one embedded PostgreSQL: SIGKILL at random points while a
 * trace stream flows, a fourth engine joining mid-stream; then every (trace, scorer, version) has exactly one
 * assessment, none is lost, the offsets caught up and the killed engines' partitions were taken over.
 *
 * <p>Sizes are system properties so CI runs the largest that fits: {@code vigil.kafka.scale.traces} (default
 * 6,000 so the test fits CI time on a 2-core machine; the issue asks 20,000, which passed here in 286-331 s, see
 * docs/scale-out.md) and {@code vigil.kafka.scale.kills} (default 10).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class KafkaScaleOutTest {

    private static final int TRACES = Integer.getInteger("vigil.kafka.scale.traces", 6_000);
    private static final int KILLS = Integer.getInteger("vigil.kafka.scale.kills", 10);
    private static final int PARTITIONS = 6;
    private static final String EXPERIMENT = "kafka-scale";

    private final TestKafka kafka = TestKafka.shared();
    private final String topic = "scale-" + UUID.randomUUID();
    private final String group = "vigil-scale-" + UUID.randomUUID();
    private final Map<String, Engine> engines = new HashMap<>();
    private final List<Engine> all = new ArrayList<>();
    private Path logs;

    /** A child engine process and its log file. */
    private record Engine(String id, Process process, Path log) {}

    @AfterEach
    void stopAll() {
        for (Engine e : all) {
            e.process().destroyForcibly();
        }
    }

    @Test
    void enginesKilledAtRandomAndOneAdded_scoreEveryTraceExactlyOnce_andCatchUp() throws Exception {
        kafka.createTopic(topic, PARTITIONS);
        logs = Files.createTempDirectory("vigil-kafka-engines-");
        String url = KafkaTestPostgres.newDatabase();
        try (Vigil admin = Vigil.builder().store(url).engineId("admin").build()) {
            ExperimentHandle exp = admin.experiment(EXPERIMENT);
            exp.scorers().register(Scorers.ofClass("answer_length", AnswerLength.class)).start(SamplingConfig.of(1.0));
            exp.scorers().register(Scorers.ofClass("answered", Answered.class)).start(SamplingConfig.of(1.0));
        }
        for (int i = 1; i <= 3; i++) {
            start("e" + i, url);
        }
        awaitReady();

        Random random = new Random(19);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger killed = new AtomicInteger();
        Thread producer = Thread.ofPlatform().name("trace-producer")
                .start(() -> produce(produced, producing, killed));
        boolean fourthAdded = false;
        String lastVictim = null;
        while (killed.get() < KILLS) {
            // kill at a random point once every live engine has joined and holds partitions
            awaitAllAssigned();
            Thread.sleep(500 + random.nextInt(2_500));
            List<String> live = new ArrayList<>(engines.keySet());
            live.remove("e4"); // the added engine stays, to show it took a share
            live.sort(null);
            String victim = live.get(random.nextInt(live.size()));
            Engine e = engines.remove(victim);
            e.process().destroyForcibly(); // SIGKILL
            e.process().waitFor(1, TimeUnit.MINUTES);
            int kills = killed.incrementAndGet();
            lastVictim = victim;
            if (kills < KILLS) {
                start(victim + "r" + kills, url); // a replacement, as an orchestrator would
            }
            if (!fourthAdded && kills == KILLS / 2) {
                start("e4", url); // a fourth engine joins mid-stream
                fourthAdded = true;
            }
        }
        producer.join(TimeUnit.MINUTES.toMillis(10));
        producing.set(false);
        assertThat(produced.get()).isEqualTo(TRACES);

        Map<TopicPartition, Long> ends = endOffsets();
        await("offsets caught up on every partition (the last victim " + lastVictim + "'s taken over)",
                Duration.ofMinutes(8), () -> {
                    Map<TopicPartition, Long> c = committed();
                    return ends.entrySet().stream().allMatch(e -> c.getOrDefault(e.getKey(), 0L)
                            .equals(e.getValue()));
                });

        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT (trace_id, name, scorer_name,"
                    + " scorer_version)) FROM assessments")) {
                r.next();
                assertThat(r.getLong(1)).as("assessments").isEqualTo(2L * TRACES);
                assertThat(r.getLong(2)).as("distinct (trace, scorer, version)").isEqualTo(2L * TRACES);
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM traces t WHERE NOT EXISTS (SELECT 1 FROM"
                    + " assessments a WHERE a.trace_id = t.trace_id AND a.scorer_name = 'answer_length') OR NOT"
                    + " EXISTS (SELECT 1 FROM assessments a WHERE a.trace_id = t.trace_id"
                    + " AND a.scorer_name = 'answered')")) {
                r.next();
                assertThat(r.getLong(1)).as("traces missing an assessment").isZero();
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM traces")) {
                r.next();
                assertThat(r.getLong(1)).as("traces").isEqualTo(TRACES);
            }
        }
        await("the fourth engine took partitions", Duration.ofMinutes(1), () -> {
            try {
                return Files.readString(logs.resolve("e4.log")).contains("kafka source e4: assigned");
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Produces the stream: one record per trace, every tenth trace split in two records (inner span first); paced
     * in chunks along the kills, so that the kills fall all over the stream.
     */
    private void produce(AtomicInteger produced, AtomicBoolean producing, AtomicInteger killed) {
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            int batch = Math.max(1, TRACES / (2 * KILLS + 2));
            for (int from = 0; from < TRACES && producing.get(); from += batch) {
                // two chunks per kill: wait (a bounded time) for the kills to keep up
                long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (killed.get() * 2 + 2 < from / batch && System.nanoTime() - waitUntil < 0) {
                    Thread.sleep(100);
                }
                List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(Math.min(batch, TRACES - from));
                for (int i = 0; i < traces.size(); i++) {
                    KafkaFixtures.SdkTrace t = traces.get(i);
                    if ((from + i) % 10 == 0) {
                        for (SpanData d : t.spans()) { // children end (and are exported) first
                            p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(List.of(d))));
                        }
                    } else {
                        p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
                    }
                    produced.incrementAndGet();
                }
            }
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start(String id, String url) throws IOException {
        Path log = logs.resolve(id + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.dev.vigil.kafka=info",
                "-cp", System.getProperty("java.class.path"), EngineProcess.class.getName(),
                kafka.bootstrapServers(), topic, group, url, id, EXPERIMENT)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Engine e = new Engine(id, pb.start(), log);
        engines.put(id, e);
        all.add(e);
    }

    private void awaitAllAssigned() {
        await("every live engine joined and was assigned partitions", Duration.ofMinutes(3),
                () -> engines.values().stream().allMatch(e -> {
                    try {
                        if (!e.process().isAlive()) {
                            throw new AssertionError("engine " + e.id() + " exited: " + Files.readString(e.log()));
                        }
                        return Files.readString(e.log()).contains("kafka source " + e.id() + ": assigned");
                    } catch (IOException ex) {
                        return false;
                    }
                }));
    }

    private void awaitReady() {
        await("engines ready", Duration.ofMinutes(3), () -> engines.values().stream().allMatch(e -> {
            try {
                if (!e.process().isAlive()) {
                    throw new AssertionError("engine " + e.id() + " exited: " + Files.readString(e.log()));
                }
                return Files.readString(e.log()).contains("READY " + e.id());
            } catch (IOException ex) {
                return false;
            }
        }));
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int i = 0; i < PARTITIONS; i++) {
                req.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(req).all().get(1, TimeUnit.MINUTES).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    private Map<TopicPartition, Long> committed() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(1, TimeUnit.MINUTES);
            Map<TopicPartition, Long> out = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null && tp.topic().equals(topic)) {
                    out.put(tp, o.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
