package dev.vigil.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends poison records to the dead-letter topic: the original key and value (the value left out when larger than
 * {@value #MAX_COPIED_BYTES} bytes, with {@value #TRUNCATED} set), the original headers, and where it came from and
 * why in {@code vigil.dlq.*} headers. Each send is acknowledged before the record counts as done, so the offset
 * never moves past a poison record that is not in the dead letters.
 */
final class DeadLetters implements AutoCloseable {

    /** Header: why the record is poison. */
    static final String REASON = "vigil.dlq.reason";
    /** Header: the source topic. */
    static final String TOPIC = "vigil.dlq.topic";
    /** Header: the source partition. */
    static final String PARTITION = "vigil.dlq.partition";
    /** Header: the source offset. */
    static final String OFFSET = "vigil.dlq.offset";
    /** Header: present when the value was left out because it was too large. */
    static final String TRUNCATED = "vigil.dlq.value-omitted-bytes";
    /** Values up to this size are copied into the dead letter. */
    static final int MAX_COPIED_BYTES = 512 * 1024;

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetters(String topic, Properties base) {
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(base);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_COPIED_BYTES + 64 * 1024));
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send(ConsumerRecord<byte[], byte[]> r, String reason) {
        RecordHeaders h = new RecordHeaders();
        r.headers().forEach(h::add);
        h.add(REASON, bytes(reason));
        h.add(TOPIC, bytes(r.topic()));
        h.add(PARTITION, bytes(String.valueOf(r.partition())));
        h.add(OFFSET, bytes(String.valueOf(r.offset())));
        byte[] value = r.value();
        if (value != null && value.length > MAX_COPIED_BYTES) {
            h.add(TRUNCATED, bytes(String.valueOf(value.length)));
            value = new byte[0];
        }
        byte[] key = r.key() != null && r.key().length > 4096 ? null : r.key();
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, h)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending a dead letter", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to the dead-letter topic " + topic + ": "
                    + e.getCause(), e.getCause());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
