package dev.vigil.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer lag of a {@link KafkaTraceSource}, total and per partition, as last measured (measured on the
 * consumer's thread, read from any thread), and the listeners told after each measurement.
 */
final class ConsumerLag {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

    private final Consumer<byte[], byte[]> consumer;
    private final PartitionOffsets offsets;
    private final String clientId;
    private final List<KafkaTraceSource.LagListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long total;
    private volatile Map<String, Long> perPartition = Map.of();

    ConsumerLag(Consumer<byte[], byte[]> consumer, PartitionOffsets offsets, String clientId) {
        this.consumer = consumer;
        this.offsets = offsets;
        this.clientId = clientId;
    }

    /** @return the lag summed over the assigned partitions */
    long total() {
        return total;
    }

    /** @return the lag per assigned partition, keyed {@code topic-partition} */
    Map<String, Long> perPartition() {
        return perPartition;
    }

    void addListener(KafkaTraceSource.LagListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    static String key(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /**
     * Lag per partition = the log end offset (position + the consumer's current lag) minus the offset this member
     * committed, or the offset it resumed from before its first commit: the records read and not yet durable count,
     * as {@code kafka-consumer-groups --describe} would show them.
     */
    void measure() {
        long sum = 0;
        Map<String, Long> per = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            var l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                continue; // no position or end offset known yet
            }
            long behind = l.getAsLong();
            if (offsets.tracks(tp)) {
                long position = consumer.position(tp);
                long mark = offsets.lagMark(tp, position);
                if (mark >= 0 && mark < position) {
                    behind += position - mark;
                }
            }
            per.put(key(tp), behind);
            sum += behind;
        }
        total = sum;
        perPartition = Map.copyOf(per);
        for (KafkaTraceSource.LagListener listener : listeners) {
            try {
                listener.measured(perPartition);
            } catch (RuntimeException e) {
                LOG.warn("kafka source {}: a lag listener failed: {}", clientId, e.toString());
            }
        }
    }

    /** Drops revoked or lost partitions from the last measurement. */
    void forget(Collection<TopicPartition> partitions) {
        Map<String, Long> per = new HashMap<>(perPartition);
        for (TopicPartition tp : partitions) {
            per.remove(key(tp));
        }
        perPartition = Map.copyOf(per);
        total = per.values().stream().mapToLong(Long::longValue).sum();
    }
}
