package dev.vigil.kafka;

import java.util.Collection;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KafkaTraceSource}'s rebalance listener (called on the consumer's thread, inside a poll): on revoke it
 * waits up to the drain timeout for the revoked partitions' batches in flight and commits what is done; on assign
 * Kafka resumes from the committed offset; lost partitions are dropped without a commit.
 */
final class RebalanceListener implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(RebalanceListener.class);

    private final PartitionOffsets offsets;
    private final ConsumerLag lag;
    private final Backpressure backpressure;
    private final Set<String> assigned;
    private final String clientId;

    /**
     * @param assigned the source's view of its assignment ({@code topic-partition}), kept up to date here
     */
    RebalanceListener(PartitionOffsets offsets, ConsumerLag lag, Backpressure backpressure, Set<String> assigned,
            String clientId) {
        this.offsets = offsets;
        this.lag = lag;
        this.backpressure = backpressure;
        this.assigned = assigned;
        this.clientId = clientId;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        offsets.drain(partitions);
        try {
            offsets.commitReady(partitions);
        } catch (RuntimeException e) {
            LOG.warn("kafka source {}: commit on revoke failed: {}", clientId, e.toString());
        }
        forget(partitions);
        LOG.info("kafka source {}: revoked {}", clientId, partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
        LOG.info("kafka source {}: lost {}", clientId, partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            offsets.assigned(tp);
            assigned.add(ConsumerLag.key(tp));
        }
        backpressure.assigned(partitions);
        if (!partitions.isEmpty()) {
            LOG.info("kafka source {}: assigned {}", clientId, partitions);
        }
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            offsets.forget(tp);
            assigned.remove(ConsumerLag.key(tp));
        }
        lag.forget(partitions);
    }
}
