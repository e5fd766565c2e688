package dev.vigil.kafka;

import static dev.vigil.kafka.KafkaFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Kafka source against a real in-process KRaft broker, on the memory store. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaTraceSourceTest {

    private static final Duration DEADLINE = Duration.ofMinutes(2);

    private final TestKafka kafka = TestKafka.shared();
    private final String topic = "traces-" + UUID.randomUUID();
    private final String group = "vigil-" + UUID.randomUUID();
    private final List<AutoCloseable> open = new ArrayList<>();

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

    private Vigil vigil(int maxInFlight) {
        return keep(Vigil.builder().store("memory:").engineId("e1").maxInFlight(maxInFlight).build());
    }

    @Test
    void otlpProtoRecords_fromTheSdkExporter_areScoredOnceCommittedAndPublished() throws Exception {
        kafka.createTopic(topic, 3);
        kafka.createTopic(topic + ".assessments", 1);
        Vigil vigil = vigil(64);
        ExperimentHandle exp = vigil.experiment("kafka-test");
        exp.scorers().register(Scorers.code("answered", in -> in.outputText().startsWith("answer")))
                .start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(20);
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            for (KafkaFixtures.SdkTrace t : traces) {
                p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
            }
        }
        KafkaTraceSource source = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(),
                options().assessmentsTopic(topic + ".assessments").build(), "e1", Duration.ofSeconds(30)));
        source.start();

        await("20 traces scored", DEADLINE, () -> traces.stream()
                .allMatch(t -> exp.assessments(t.mlflowTraceId()).size() == 1));
        for (KafkaFixtures.SdkTrace t : traces) {
            Assessment a = exp.assessments(t.mlflowTraceId()).get(0);
            assertThat(a.name()).isEqualTo("answered");
            assertThat(a.value().toString()).contains("true");
            assertThat(exp.trace(t.mlflowTraceId()).orElseThrow().spans()).hasSize(2);
        }
        await("offsets committed to the end", DEADLINE, () -> committed(topic) == 20);
        await("health shows no lag", DEADLINE, () -> source.health().lag() == 0);
        assertThat(source.health().partitions()).hasSize(3);
        assertThat(source.health().running()).isTrue();

        Map<String, String> published = new HashMap<>();
        readAll(topic + ".assessments", 20).forEach(r -> published.put(
                new String(r.key(), StandardCharsets.UTF_8), new String(r.value(), StandardCharsets.UTF_8)));
        assertThat(published).hasSize(20);
        for (KafkaFixtures.SdkTrace t : traces) {
            assertThat(published.get(t.mlflowTraceId())).contains("\"answered\"")
                    .contains(exp.assessments(t.mlflowTraceId()).get(0).assessmentId());
        }
    }

    @Test
    void fixtures_otlpJsonAndMlflowJsonByHeader_areStoredAndScored() throws Exception {
        kafka.createTopic(topic, 1);
        Vigil vigil = vigil(64);
        ExperimentHandle exp = vigil.experiment("kafka-test");
        exp.scorers().register(Scorers.code("has_spans", in -> true)).start(SamplingConfig.of(1.0));
        String mlflowId = "tr-" + "0123456789abcdef0123456789abcdef";
        String mlflow = Fixtures.read("mlflow-traces/v3_databricks_agent_predict_ok_trace.json")
                .replaceFirst("\"trace_id\":\\s*\"<redacted>\"", "\"trace_id\": \"" + mlflowId + "\"");
        List<KafkaFixtures.SdkTrace> sdk = KafkaFixtures.sdkTraces(1);
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            ProducerRecord<byte[], byte[]> json = new ProducerRecord<>(topic, Fixtures.read(
                    "otlp/otel_proto_examples_trace.json").getBytes(StandardCharsets.UTF_8));
            json.headers().add(RecordFormat.HEADER, "otlp_json".getBytes(StandardCharsets.UTF_8));
            p.send(json);
            ProducerRecord<byte[], byte[]> sdkJson = new ProducerRecord<>(topic,
                    KafkaFixtures.otlpJson(sdk.get(0).spans()));
            sdkJson.headers().add(RecordFormat.HEADER, "otlp_json".getBytes(StandardCharsets.UTF_8));
            p.send(sdkJson);
            ProducerRecord<byte[], byte[]> ml = new ProducerRecord<>(topic, mlflow.getBytes(StandardCharsets.UTF_8));
            ml.headers().add(RecordFormat.HEADER, "mlflow_json".getBytes(StandardCharsets.UTF_8));
            p.send(ml);
        }
        keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(), options().build(), "e1",
                Duration.ofSeconds(30))).start();

        String fixtureId = "tr-5b8efff798038103d269b633813fc60c";
        await("the three traces scored", DEADLINE, () -> exp.assessments(fixtureId).size() == 1
                && exp.assessments(sdk.get(0).mlflowTraceId()).size() == 1 && exp.assessments(mlflowId).size() == 1);
        assertThat(exp.trace(mlflowId).orElseThrow().spans()).isNotEmpty();
        assertThat(exp.trace(fixtureId).orElseThrow().info().traceMetadata()).containsEntry("service.name",
                "my.service");
        await("offsets committed", DEADLINE, () -> committed(topic) == 3);
    }

    @Test
    void poisonRecords_goToTheDeadLetterTopicWithTheReason_andThePartitionKeepsMoving() throws Exception {
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + ".dlq", 1);
        Vigil vigil = vigil(64);
        ExperimentHandle exp = vigil.experiment("kafka-test");
        exp.scorers().register(Scorers.code("ok", in -> true)).start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> good = KafkaFixtures.sdkTraces(2);
        String badTraceId = new String(KafkaFixtures.otlpJson(good.get(1).spans()), StandardCharsets.UTF_8)
                .replace(good.get(1).otelTraceId(), "abc123");
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            p.send(new ProducerRecord<>(topic, new byte[] {(byte) 0xff, 0x13, 0x37, 0x00, 0x42}));
            p.send(new ProducerRecord<>(topic, new byte[20 * 1024 * 1024]));
            ProducerRecord<byte[], byte[]> shape = new ProducerRecord<>(topic,
                    badTraceId.getBytes(StandardCharsets.UTF_8));
            shape.headers().add(RecordFormat.HEADER, "otlp_json".getBytes(StandardCharsets.UTF_8));
            p.send(shape);
            p.send(KafkaFixtures.record(topic, good.get(0).otelTraceId(),
                    KafkaFixtures.otlpProto(good.get(0).spans())));
        }
        KafkaTraceSource source = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(), options().build(),
                "e1", Duration.ofSeconds(30)));
        source.start();

        await("the good trace after the poison scored", DEADLINE,
                () -> exp.assessments(good.get(0).mlflowTraceId()).size() == 1);
        await("offsets past the poison", DEADLINE, () -> committed(topic) == 4);
        List<ConsumerRecord<byte[], byte[]>> dead = readAll(topic + ".dlq", 3);
        assertThat(dead).hasSize(3);
        assertThat(header(dead.get(0), DeadLetters.REASON)).contains("otlp_proto record cannot be decoded");
        assertThat(header(dead.get(0), DeadLetters.OFFSET)).isEqualTo("0");
        assertThat(dead.get(0).value()).containsExactly(0xff, 0x13, 0x37, 0x00, 0x42);
        assertThat(header(dead.get(1), DeadLetters.REASON)).contains("20971520 bytes").contains("limit");
        assertThat(header(dead.get(1), DeadLetters.TRUNCATED)).isEqualTo("20971520");
        assertThat(dead.get(1).value()).isEmpty();
        assertThat(header(dead.get(2), DeadLetters.REASON)).contains("rejected").contains("traceId");
        assertThat(header(dead.get(2), DeadLetters.TOPIC)).isEqualTo(topic);
        assertThat(source.health().deadLettered()).isEqualTo(3);
        assertThat(exp.trace("tr-abc123")).isEmpty();
    }

    @Test
    void recordsDeliveredTwiceAndReadAgainByANewMember_keepOneAssessmentPerScorerVersion() throws Exception {
        kafka.createTopic(topic, 2);
        Vigil vigil = vigil(64);
        ExperimentHandle exp = vigil.experiment("kafka-test");
        exp.scorers().register(Scorers.code("once", in -> true)).start(SamplingConfig.of(1.0));
        List<KafkaFixtures.SdkTrace> traces = KafkaFixtures.sdkTraces(10);
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            for (int round = 0; round < 2; round++) {
                for (KafkaFixtures.SdkTrace t : traces) {
                    p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
                }
            }
        }
        try (KafkaTraceSource first = new KafkaTraceSource(vigil.store(), vigil.batchScorer(), options().build(),
                "e1", Duration.ofSeconds(30))) {
            first.start();
            await("all scored", DEADLINE, () -> traces.stream()
                    .allMatch(t -> exp.assessments(t.mlflowTraceId()).size() == 1));
        }
        // a new group reads everything again from the start: nothing new is stored
        KafkaTraceSource again = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(),
                options().groupId(group + "-again").build(), "e2", Duration.ofSeconds(30)));
        again.start();
        await("the second group caught up", DEADLINE, () -> committed(topic, group + "-again") == 20);
        for (KafkaFixtures.SdkTrace t : traces) {
            assertThat(exp.assessments(t.mlflowTraceId())).hasSize(1);
        }
    }

    @Test
    void admissionLimitReached_pausesThePartitions_thenEverythingIsScored() throws Exception {
        kafka.createTopic(topic, 2);
        Vigil vigil = vigil(2);
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
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(kafka.bootstrapServers())) {
            for (KafkaFixtures.SdkTrace t : traces) {
                p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
            }
        }
        KafkaTraceSource source = keep(new KafkaTraceSource(vigil.store(), vigil.batchScorer(),
                options().clientProperty("max.poll.records", "1").build(), "e1", Duration.ofSeconds(30)));
        source.start();

        await("paused at the admission limit", DEADLINE, () -> source.health().paused());
        assertThat(vigil.batchScorer().inFlight()).isLessThanOrEqualTo(2 + 1);
        await("lag measured while paused", DEADLINE, () -> source.health().lag() > 0);
        assertThat(committed(topic)).isLessThan(30);
        release.countDown();
        await("all scored after the release", DEADLINE, () -> traces.stream()
                .allMatch(t -> exp.assessments(t.mlflowTraceId()).size() == 1));
        await("resumed and caught up", DEADLINE, () -> !source.health().paused() && committed(topic) == 30);
    }

    private long committed(String t) {
        return committed(kafka, t, group);
    }

    private long committed(String t, String g) {
        return committed(kafka, t, g);
    }

    /** @return the sum of the group's committed offsets on the topic's partitions */
    static long committed(TestKafka kafka, String t, String g) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(g)
                    .partitionsToOffsetAndMetadata().get(1, TimeUnit.MINUTES);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(t) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + g + ": " + e, e);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String t, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", "reader-" + UUID.randomUUID());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(t));
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (out.size() < expected && System.nanoTime() - end < 0) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            c.poll(Duration.ofMillis(500)).forEach(out::add); // nothing more should come
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
