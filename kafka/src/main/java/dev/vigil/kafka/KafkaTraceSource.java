package dev.vigil.kafka;

import dev.vigil.core.Vigil;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.otel.ExperimentRouter;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka source for the monitoring engine: one member of a consumer group on the trace topic(s).
 *
 * <h2>Exactly once per (trace, scorer, version)</h2>
 * For each polled batch of a partition, in order: poison records are written to the dead-letter topic (and
 * acknowledged); the spans are merged into the stored traces ({@link TraceMerger}); the complete traces go through
 * the engine's usual path ({@link BatchScorer}: filters, sampling, scorers, retries); the assessments are
 * upserted and, when configured, published. The partition's offset is committed only past batches for which all
 * of that is done, in offset order. A crash or a rebalance therefore re-delivers at most the batches not yet
 * committed; re-delivered spans merge to the same trace, pairs already scored are skipped, and an upsert keyed by
 * (trace, assessment name, scorer, version) keeps one assessment even when two engines race.
 *
 * <h2>Rebalancing</h2>
 * On revoke the source waits (up to the drain timeout) for the revoked partitions' batches in flight and commits
 * what is done; on assign Kafka resumes from the committed offset. Lost partitions are dropped without a commit.
 * The classic protocol's cooperative-sticky assignor is the default (override with {@code
 * partition.assignment.strategy} or {@code group.protocol=consumer}).
 *
 * <h2>Backpressure</h2>
 * When the batch scorer has as many runs in flight as the engine's admission limit, every assigned partition is
 * paused (the consumer keeps polling, so it stays in the group) and resumed once below: nothing is dropped, and
 * nothing is buffered past one poll ({@code max.poll.records}, 100 by default). The consumer lag (total
 * {@link #lag()}, per partition {@link #partitionLag()}) is part of {@link #health()}; {@link KafkaLagMeters}
 * publishes it as gauges.
 *
 * <h2>Transient failures</h2>
 * A scorer run that fails transiently after the immediate retries is deferred to the store's retry queue by the
 * batch scorer: the batch counts as done once the pending retry is durable, so the offset moves on; the batch
 * scorer's retry loop (started with the source) takes the pair again when it is due.
 */
public final class KafkaTraceSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTraceSource.class);

    /**
     * What the source is doing now.
     *
     * @param running true while the consume loop runs
     * @param lag the consumer lag summed over the assigned partitions (see {@link #partitionLag})
     * @param partitions the partitions assigned, as {@code topic-partition}
     * @param paused true while reading is paused for backpressure
     * @param recordsRead records read
     * @param deadLettered records sent to the dead-letter topic
     * @param lastError the last failure of the loop, or null
     * @param partitionLag the consumer lag per assigned partition ({@code topic-partition}, in name order), as
     *     last measured: records past the offset this member committed (or, before its first commit, the offset
     *     it resumed from), i.e. not yet stored and scored; a partition whose end offset is not known yet is
     *     left out
     */
    public record Health(boolean running, long lag, Set<String> partitions, boolean paused, long recordsRead,
            long deadLettered, String lastError, Map<String, Long> partitionLag) {

        /** Freezes. */
        public Health {
            partitions = java.util.Collections.unmodifiableSet(new TreeSet<>(partitions));
            partitionLag = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(partitionLag));
        }

        /**
         * @return this health as a JSON object's entries (the Kafka section of {@code vigil serve}'s
         *     {@code /health}): {@code status} ({@code UP}, or {@code DOWN} once the consume loop stopped),
         *     {@code lag}, {@code partitionLag}, {@code partitions}, {@code paused}, {@code recordsRead},
         *     {@code deadLettered} and {@code lastError} (when there is one)
         */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("status", running ? "UP" : "DOWN");
            m.put("lag", lag);
            m.put("partitionLag", partitionLag);
            m.put("partitions", List.copyOf(partitions));
            m.put("paused", paused);
            m.put("recordsRead", recordsRead);
            m.put("deadLettered", deadLettered);
            if (lastError != null) {
                m.put("lastError", lastError);
            }
            return m;
        }
    }

    /** Told after each lag measurement (on the consumer's thread: keep it short). */
    @FunctionalInterface
    public interface LagListener {
        /** @param partitionLag the lag per assigned partition, keyed as in {@link Health#partitionLag()} */
        void measured(Map<String, Long> partitionLag);
    }

    /** One polled batch of a partition. */
    private record Batch(long first, long next, java.util.concurrent.CompletableFuture<Void> done) {}

    /** The batches of one partition not yet committed, in offset order. Touched by the consumer thread only. */
    private static final class PartitionState {
        final java.util.ArrayDeque<Batch> batches = new java.util.ArrayDeque<>();
        /** The offset past the batches done in order (committable), or -1. */
        long done = -1;
        long committed = -1;
        /** The offset this member resumed from (the group's committed offset at assignment), or -1 until known. */
        long start = -1;
    }

    private final Store store;
    private final BatchScorer scorer;
    private final KafkaSourceOptions options;
    private final String clientId;
    private final Duration drainTimeout;
    private final RecordDecoder decoder;
    private final TraceMerger merger;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetters deadLetters;
    private final AssessmentPublisher publisher;
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final Set<String> assigned = ConcurrentHashMap.newKeySet();
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile long lag;
    private volatile Map<String, Long> partitionLag = Map.of();
    private final List<LagListener> lagListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean paused;
    private volatile String lastError;
    private volatile boolean stopping;
    private volatile Thread loop;

    /**
     * Starts a source feeding a {@link Vigil}'s batch scorer (use it instead of {@link Vigil#startMonitoring()}).
     *
     * @param vigil the Vigil whose store, scorers and runner score the traces
     * @param options how to connect and read
     * @param clientId this engine's id (the Kafka {@code client.id})
     * @return the started source
     */
    public static KafkaTraceSource start(Vigil vigil, KafkaSourceOptions options, String clientId) {
        KafkaTraceSource s = new KafkaTraceSource(vigil.store(), vigil.batchScorer(), options, clientId,
                Duration.ofSeconds(30));
        s.start();
        return s;
    }

    /**
     * @param store where traces and assessments live
     * @param scorer the batch scorer
     * @param options how to connect and read
     * @param clientId this engine's id (the Kafka {@code client.id})
     * @param drainTimeout how long a revoke or close waits for batches in flight
     */
    public KafkaTraceSource(Store store, BatchScorer scorer, KafkaSourceOptions options, String clientId,
            Duration drainTimeout) {
        this.store = store;
        this.scorer = scorer;
        this.options = options;
        this.clientId = clientId;
        this.drainTimeout = drainTimeout;
        this.decoder = new RecordDecoder(options.format(), options.maxRecordBytes(),
                new ExperimentRouter(store, "vigil.experiment"), options.experiment());
        this.merger = new TraceMerger(store);
        Properties base = new Properties();
        base.putAll(options.clientProperties());
        base.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        base.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        Properties c = new Properties();
        c.putAll(base);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        if (!"consumer".equalsIgnoreCase(String.valueOf(c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG)))) {
            c.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CooperativeStickyAssignor.class.getName());
        }
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producers = new Properties();
        producers.putAll(base);
        for (String consumerOnly : List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG)) {
            producers.remove(consumerOnly);
        }
        this.deadLetters = new DeadLetters(options.deadLetterTopic(), producers);
        this.publisher = options.assessmentsTopic() == null ? null
                : new AssessmentPublisher(options.assessmentsTopic(), producers);
    }

    /** Subscribes and starts consuming in the background; idempotent. */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        if (stopping) {
            throw new IllegalStateException("the Kafka source was closed; build a new one");
        }
        loop = Thread.ofPlatform().name("vigil-kafka-" + clientId).start(this::run);
        scorer.startRetries();
    }

    /**
     * @return the consumer lag summed over the assigned partitions, as last measured: records not yet stored and
     *     scored (past the committed offset)
     */
    public long lag() {
        return lag;
    }

    /** @return the consumer lag per assigned partition, as last measured (see {@link Health#partitionLag()}) */
    public Map<String, Long> partitionLag() {
        return partitionLag;
    }

    /**
     * Adds a listener told after each lag measurement (each loop turn), e.g. to keep per-partition gauges in step
     * with the assignment.
     *
     * @param listener the listener
     */
    public void onLagMeasured(LagListener listener) {
        lagListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** @return what the source is doing now */
    public Health health() {
        Thread t = loop;
        return new Health(t != null && t.isAlive() && !stopping, lag, new TreeSet<>(assigned), paused,
                recordsRead.get(), deadLettered.get(), lastError, partitionLag);
    }

    private void run() {
        try {
            consumer.subscribe(options.topics(), new Rebalance());
            while (!stopping) {
                try {
                    applyBackpressure();
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(options.pollTimeout());
                    for (TopicPartition tp : records.partitions()) {
                        process(tp, records.records(tp));
                    }
                    commitReady(null);
                    measureLag();
                } catch (WakeupException e) {
                    // close() woke the poll up
                } catch (KafkaException | IllegalStateException e) {
                    if (stopping) {
                        break;
                    }
                    lastError = e.toString();
                    LOG.warn("kafka source {}: loop failed, retrying: {}", clientId, e.toString(), e);
                    sleep(1_000);
                }
            }
            drain(List.copyOf(states.keySet()));
            commitReady(null);
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.error("kafka source {}: stopped on an unexpected failure", clientId, e);
        } finally {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                LOG.warn("kafka source {}: closing the consumer failed: {}", clientId, e.toString());
            }
        }
    }

    private void applyBackpressure() {
        boolean full = scorer.inFlight() >= scorer.maxInFlight();
        if (full && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (full) {
            consumer.pause(consumer.assignment()); // partitions assigned since
        } else if (paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    /** Dead letters, stores and hands one partition's polled records to the scorer. */
    private void process(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        long first = records.get(0).offset();
        long next = records.get(records.size() - 1).offset() + 1;
        PartitionState st = states.computeIfAbsent(tp, k -> new PartitionState());
        if (st.start < 0) {
            st.start = first;
        }
        try {
            List<Trace> partials = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                RecordDecoder.Decoded d = decoder.decode(r.value(), r.headers());
                if (d.poison() != null) {
                    deadLetters.send(r, d.poison());
                    deadLettered.incrementAndGet();
                    LOG.warn("kafka source {}: record {}-{}@{} sent to {}: {}", clientId, r.topic(), r.partition(),
                            r.offset(), options.deadLetterTopic(), d.poison());
                }
                partials.addAll(d.traces());
            }
            List<Trace> stored = merger.mergeAndStore(partials);
            var done = scorer.score(stored, publisher == null ? a -> { } : publisher::publish);
            st.batches.add(new Batch(first, next, done));
            recordsRead.addAndGet(records.size());
        } catch (RuntimeException e) {
            // the store or the dead-letter topic failed: read this batch again after a pause
            lastError = e.toString();
            LOG.warn("kafka source {}: {} records of {} from offset {} not stored, reading them again: {}", clientId,
                    records.size(), tp, first, e.toString());
            consumer.seek(tp, first);
            sleep(500);
        }
    }

    /**
     * Commits, per partition, the offset past the batches done in order. A batch that failed (the batch scorer
     * was closed) makes its partition read again from that batch.
     *
     * @param only the partitions to commit, or null for all
     */
    private void commitReady(Collection<TopicPartition> only) {
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
                    if (!stopping && consumer.assignment().contains(tp)) {
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
    private void drain(Collection<TopicPartition> partitions) {
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
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    return; // not done: stays uncommitted, the next owner reads it again
                }
            }
        }
    }

    /**
     * Lag per partition = the log end offset (position + the consumer's current lag) minus the offset this member
     * committed, or the offset it resumed from before its first commit: the records read and not yet durable count,
     * as {@code kafka-consumer-groups --describe} would show them.
     */
    private void measureLag() {
        long sum = 0;
        Map<String, Long> per = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            var l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                continue; // no position or end offset known yet
            }
            long behind = l.getAsLong();
            PartitionState st = states.get(tp);
            if (st != null) {
                long position = consumer.position(tp);
                if (st.start < 0 && st.batches.isEmpty()) {
                    st.start = position;
                }
                long mark = st.committed >= 0 ? st.committed : st.start;
                if (mark >= 0 && mark < position) {
                    behind += position - mark;
                }
            }
            per.put(tp.topic() + "-" + tp.partition(), behind);
            sum += behind;
        }
        lag = sum;
        partitionLag = Map.copyOf(per);
        for (LagListener listener : lagListeners) {
            try {
                listener.measured(partitionLag);
            } catch (RuntimeException e) {
                LOG.warn("kafka source {}: a lag listener failed: {}", clientId, e.toString());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            drain(partitions);
            try {
                commitReady(partitions);
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
                states.put(tp, new PartitionState());
                assigned.add(tp.topic() + "-" + tp.partition());
            }
            if (paused) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty()) {
                LOG.info("kafka source {}: assigned {}", clientId, partitions);
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            Map<String, Long> per = new HashMap<>(partitionLag);
            for (TopicPartition tp : partitions) {
                states.remove(tp);
                assigned.remove(tp.topic() + "-" + tp.partition());
                per.remove(tp.topic() + "-" + tp.partition());
            }
            partitionLag = Map.copyOf(per);
            lag = per.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops reading, waits up to the drain timeout for batches in flight, commits what is done and leaves the
     * group. Batches not done by then are read again by the partition's next owner.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        consumer.wakeup();
        Thread t = loop;
        if (t != null) {
            try {
                t.join(drainTimeout.toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close();
        }
        deadLetters.close();
        if (publisher != null) {
            publisher.close();
        }
    }

    /** @return the store this source writes to */
    public Store store() {
        return store;
    }
}
