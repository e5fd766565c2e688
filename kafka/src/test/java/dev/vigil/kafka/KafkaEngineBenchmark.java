package dev.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.scorer.SamplingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka speed harness (not JMH: it needs a broker and a database per measurement, which JMH's forks do not
 * fit). Traces per second from topic to stored assessments, on the in-process broker and the embedded PostgreSQL,
 * with a trivial code scorer, for 1 and 2 engines (two {@code Vigil}s with their own Kafka source in this JVM),
 * beside a plain consumer that only reads and commits (the lower bound) measured in the same run.
 *
 * <p>Not part of the default test run (the class name does not match Surefire's test patterns); run it with
 * {@code ./mvnw -B -ntp -pl kafka -am verify -Dtest=KafkaEngineBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dvigil.kafka.bench.traces=N}, default 5,000). It prints the rates and ratios and writes them to
 * {@code kafka/target/kafka-engine-benchmark.txt}.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class KafkaEngineBenchmark {

    private static final int TRACES = Integer.getInteger("vigil.kafka.bench.traces", 5_000);
    private static final int PARTITIONS = 6;

    private final TestKafka kafka = TestKafka.shared();
    private final Map<String, List<String>> traceIds = new HashMap<>();

    @Test
    void topicToStoredAssessments_oneAndTwoEngines_besideAPlainConsumer() throws Exception {
        double plain = plainConsumer(fill());
        double one = engines(fill(), 1);
        double two = engines(fill(), 2);
        String report = String.format(Locale.ROOT, """
                Kafka engine harness: %d OTLP traces (one protobuf record each, %d partitions), trivial code scorer,
                embedded PostgreSQL, in-process KRaft broker, all on this machine.
                plain consumer (read + commit only): %8.0f traces/s  (1.00)
                1 engine  (store + score + commit):  %8.0f traces/s  (%.3f of plain)
                2 engines (store + score + commit):  %8.0f traces/s  (%.3f of plain, %.2fx 1 engine)
                """, TRACES, PARTITIONS, plain, one, one / plain, two, two / plain, two / one);
        System.out.println(report);
        Files.writeString(Path.of("target", "kafka-engine-benchmark.txt"), report);
        assertThat(one).isPositive();
        assertThat(two).isPositive();
    }

    /** Produces the traces to a new topic. */
    private String fill() {
        String topic = "bench-" + UUID.randomUUID();
        kafka.createTopic(topic, PARTITIONS);
        List<String> ids = new ArrayList<>();
        traceIds.put(topic, ids);
        List<Map.Entry<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>,
                java.util.concurrent.Future<?>>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            for (int from = 0; from < TRACES; from += 1000) {
                for (KafkaFixtures.SdkTrace t : KafkaFixtures.sdkTraces(Math.min(1000, TRACES - from))) {
                    ids.add(t.mlflowTraceId());
                    var record = KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans()));
                    sent.add(Map.entry(record, p.send(record)));
                }
            }
            // a new topic's leader may move right after creation: send again what the broker refused
            for (var e : sent) {
                try {
                    e.getValue().get();
                } catch (Exception failed) {
                    try {
                        p.send(e.getKey()).get();
                    } catch (Exception again) {
                        throw new IllegalStateException("cannot produce the benchmark's traces: " + again, again);
                    }
                }
            }
        }
        return topic;
    }

    private double plainConsumer(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "plain-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        long start = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (read < TRACES) {
                ConsumerRecords<byte[], byte[]> r = c.poll(Duration.ofMillis(100));
                read += r.count();
                if (!r.isEmpty()) {
                    c.commitSync();
                }
            }
        }
        return TRACES / ((System.nanoTime() - start) / 1e9);
    }

    private double engines(String topic, int count) throws Exception {
        String url = KafkaTestPostgres.newDatabase();
        String group = "bench-" + UUID.randomUUID();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<Vigil> vigils = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Vigil v = Vigil.builder().store(url).engineId("b" + i).maxInFlight(512).build();
                open.add(v);
                vigils.add(v);
            }
            ExperimentHandle exp = vigils.get(0).experiment("bench");
            exp.scorers().register(Scorers.ofClass("answer_length", AnswerLength.class)).start(SamplingConfig.of(1.0));
            Map<TopicPartition, Long> ends = ends(topic);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                open.add(KafkaTraceSource.start(vigils.get(i), KafkaSourceOptions.builder()
                        .bootstrapServers(kafka.bootstrapServers()).groupId(group).topic(topic).experiment("bench")
                        .pollTimeout(Duration.ofMillis(50)).clientProperty("max.poll.records", "500").build(),
                        "b" + i));
            }
            KafkaFixtures.await("all committed", Duration.ofMinutes(20),
                    () -> KafkaTraceSourceTest.committed(kafka, topic, group) == ends.values().stream()
                            .mapToLong(Long::longValue).sum());
            double rate = TRACES / ((System.nanoTime() - start) / 1e9);
            assertThat(vigils.get(0).store().assessments().tracesScoredBy("answer_length", 1, traceIds.get(topic)))
                    .as("traces scored").hasSize(TRACES);
            return rate;
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    private Map<TopicPartition, Long> ends(String topic) throws Exception {
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
}
