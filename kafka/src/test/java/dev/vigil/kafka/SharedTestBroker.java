package dev.vigil.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * This module's in-process KRaft broker ({@link TestKafka}) for another module's tests, in JDK types only: the
 * {@code cli} module's {@code vigil serve --kafka} test reaches it by reflection, with this module's test classes and
 * the broker's jars on its class path (its tests cannot compile against the broker: the broker's jars split
 * packages with {@code kafka-clients} on a module path).
 */
public final class SharedTestBroker {

    private SharedTestBroker() {}

    /** @return the bootstrap servers of the broker shared by this JVM (started on first use) */
    public static String bootstrapServers() {
        return TestKafka.shared().bootstrapServers();
    }

    /**
     * @param topic a new topic
     * @param partitions its partition count
     */
    public static void createTopic(String topic, int partitions) {
        TestKafka.shared().createTopic(topic, partitions);
    }

    /**
     * Writes traces made by the OpenTelemetry SDK as OTLP protobuf records keyed by trace id, one record per trace,
     * as the Collector's Kafka exporter does.
     *
     * @param topic the topic
     * @param count how many traces
     * @return their MLflow trace ids ({@code tr-} + the OTel trace id)
     */
    public static List<String> produceOtlpProto(String topic, int count) {
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = KafkaFixtures.producer(bootstrapServers())) {
            for (KafkaFixtures.SdkTrace t : KafkaFixtures.sdkTraces(count)) {
                p.send(KafkaFixtures.record(topic, t.otelTraceId(), KafkaFixtures.otlpProto(t.spans())));
                ids.add(t.mlflowTraceId());
            }
        }
        return ids;
    }

    /**
     * @param topic a topic
     * @param group a consumer group
     * @return the group's committed offsets summed over the topic's partitions
     */
    public static long committed(String topic, String group) {
        return KafkaTraceSourceTest.committed(TestKafka.shared(), topic, group);
    }
}
