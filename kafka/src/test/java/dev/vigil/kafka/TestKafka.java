package dev.vigil.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in KRaft mode, in this JVM: one combined broker + controller from Kafka's own test kit
 * ({@code kafka-test-common-runtime}, {@code kafka_2.13}), no Docker and nothing downloaded. Shared by the tests
 * of one JVM, started on first use and stopped at exit.
 */
final class TestKafka {

    /** Largest message the broker accepts (a 20 MB poison record must get in to be refused by Vigil). */
    static final int MAX_MESSAGE_BYTES = 24 * 1024 * 1024;

    private static TestKafka shared;

    private final KafkaClusterTestKit cluster;

    private TestKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static synchronized TestKafka shared() {
        if (shared == null) {
            shared = start();
            TestKafka k = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(k::stopQuietly, "stop-test-kafka"));
        }
        return shared;
    }

    private static TestKafka start() {
        try {
            Path base = Files.createTempDirectory("vigil-kafka-");
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(base).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("group.min.session.timeout.ms", "1000")
                    .setConfigProp("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES))
                    .setConfigProp("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES))
                    .setConfigProp("num.network.threads", "2")
                    .setConfigProp("num.io.threads", "2")
                    .setConfigProp("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE))
                    .setDeleteOnClose(true)
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new TestKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker: " + e, e);
        }
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates a topic (replication 1) and waits for it. */
    void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES)))))
                    .all().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    private void stopQuietly() {
        try {
            cluster.close();
        } catch (Exception e) {
            // exiting anyway
        }
    }
}
