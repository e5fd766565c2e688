package dev.vigil.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offset commit bookkeeping of a {@link KafkaTraceSource}: per assigned partition, the polled batches not yet
 * committed, in offset order, and the offset past the batches done in order. A partition's offset is committed only
 * past batches whose traces are stored and whose assessments (or pending retries) are durable. Touched by the
 * consumer's thread only (the poll loop and the rebalance listener it calls).
 */
final class PartitionOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionOffsets.class);

    /** One polled batch of a partition. */
    private record Batch(long first, long next, CompletableFuture<Void> done) {}

    /** The batches of one partition not yet committed, in offset order. */
    private static final class PartitionState {
        final ArrayDeque<Batch> batches = new ArrayDeque<>();
        /** The offset past the batches done in order (committable), or -1. */
        long done = -1;
        long committed = -1;
        /** The offset this member resumed from (the group's committed offset at assignment), or -1 until known. */
        long start = -1;
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String clientId;
    private final Duration drainTimeout;
    private final BooleanSupplier stopping;
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();

    /**
     * @param consumer the source's consumer
     * @param clientId the engine's id, for the log
     * @param drainTimeout how long a revoke or close waits for batches in flight
     * @param stopping whether the source is closing (a failed batch is then not sought back)
     */
    PartitionOffsets(Consumer<byte[], byte[]> consumer, String clientId, Duration drainTimeout,
            BooleanSupplier stopping) {
        this.consumer = consumer;
        this.clientId = clientId;
        this.drainTimeout = drainTimeout;
        this.stopping = stopping;
    }

    /** A partition was assigned: its bookkeeping starts afresh (Kafka resumes it from the committed offset). */
    void assigned(TopicPartition tp) {
        states.put(tp, new PartitionState());
    }

    /** A partition was revoked or lost: its bookkeeping is dropped. */
    void forget(TopicPartition tp) {
        states.remove(tp);
    }

    /** @return true if the partition has bookkeeping (assigned, or read from, and not revoked since) */
    boolean tracks(TopicPartition tp) {
        return states.containsKey(tp);
    }

    /** @return the partitions with bookkeeping (assigned and not yet revoked) */
    List<TopicPartition> partitions() {
        return List.copyOf(states.keySet());
    }

    /**
     * Notes a polled batch handed to the scorer.
     *
     * @param tp its partition
     * @param first its first offset
     * @param next the offset past it
     * @param done completes once the batch is durable (exceptionally if it was not scored)
     */
    void add(TopicPartition tp, long first, long next, CompletableFuture<Void> done) {
        state(tp).batches.add(new Batch(first, next, done));
    }

    /** Notes the first offset read from a partition, if none was noted since its assignment. */
    void started(TopicPartition tp, long first) {
        PartitionState st = state(tp);
        if (st.start < 0) {
            st.start = first;
        }
    }

    private PartitionState state(TopicPartition tp) {
        return states.computeIfAbsent(tp, k -> new PartitionState());
    }

    /**
     * The offset the lag of a partition is measured from: the offset this member committed, or the offset it
     * resumed from before its first commit (noted as the consumer's position when nothing was read yet).
     *
     * @param tp the partition
     * @param position the consumer's position on it
     * @return the mark, or -1 when the partition has no bookkeeping
     */
    long lagMark(TopicPartition tp, long position) {
        PartitionState st = states.get(tp);
        if (st == null) {
            return -1;
        }
        if (st.start < 0 && st.batches.isEmpty()) {
            st.start = position;
        }
        return st.committed >= 0 ? st.committed : st.start;
    }

    /**
     * Commits, per partition, the offset past the batches done in order. A batch that failed (the batch scorer
     * was closed) makes its partition read again from that batch.
     *
     * @param only the partitions to commit, or null for all
     */
    void commitReady(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (var e : states.entrySet()) {
            TopicPartition tp = e.getKey();
            if (only != null && !only.contains(tp)) {
                continue;
            }
            PartitionState st = e.getValue();
            while (!st.batches.isEmpty() && st.batches.peekFirst().done().isDone()) {
                Batch b = st.batches.pollFirst();
                if (b.done().isCompletedExceptionally()) {
                    LOG.warn("kafka source {}: batch {}@{} not scored ({}); reading it again", clientId, tp,
                            b.first(), b.done().exceptionNow());
                    st.batches.clear();
                    if (!stopping.getAsBoolean() && consumer.assignment().contains(tp)) {
                        consumer.seek(tp, b.first());
                    }
                    break;
                }
                st.done = b.next();
            }
            if (st.done > st.committed) {
                commits.put(tp, new OffsetAndMetadata(st.done));
            }
        }
        if (commits.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(commits);
            commits.forEach((tp, o) -> {
                PartitionState st = states.get(tp);
                if (st != null) {
                    st.committed = Math.max(st.committed, o.offset());
                }
            });
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the group is rebalancing: committed again on the next loop if the partitions stay here, else the new
            // owner reads these batches again and skips what is stored
            LOG.info("kafka source {}: commit deferred by a rebalance: {}", clientId, e.getMessage());
        }
    }

    /** Waits up to the drain timeout for the batches in flight on these partitions. */
    void drain(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (TopicPartition tp : partitions) {
            PartitionState st = states.get(tp);
            if (st == null) {
                continue;
            }
            for (Batch b : st.batches) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    b.done().get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    return; // not done: stays uncommitted, the next owner reads it again
                }
            }
        }
    }
}
