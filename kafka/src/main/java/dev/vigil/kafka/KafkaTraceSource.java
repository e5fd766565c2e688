package dev.vigil.kafka;

import dev.vigil.core.Vigil;
import dev.vigil.core.engine.BatchScorer;
import dev.vigil.otel.ExperimentRouter;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
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
 * scorer's retry loop (started with the source) takes the pair again when it is due. A scorer paused after
 * repeated authentication failures has its pairs deferred the same way until it is resumed.
 *
 * <p>Parts: this class runs the poll loop (dead letters, merging, handing batches to the scorer);
 * {@link PartitionOffsets} keeps the offset commit bookkeeping, {@link RebalanceListener} handles revokes and
 * assignments, {@link Backpressure} pauses reading at the admission limit, {@link ConsumerLag} measures the lag.
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
    private final PartitionOffsets offsets;
    private final ConsumerLag consumerLag;
    private final Backpressure backpressure;
    private final Set<String> assigned = ConcurrentHashMap.newKeySet();
    private final AtomicLong recordsRead = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
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
        this.offsets = new PartitionOffsets(consumer, clientId, drainTimeout, () -> stopping);
        this.consumerLag = new ConsumerLag(consumer, offsets, clientId);
        this.backpressure = new Backpressure(consumer, scorer);
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
        return consumerLag.total();
    }

    /** @return the consumer lag per assigned partition, as last measured (see {@link Health#partitionLag()}) */
    public Map<String, Long> partitionLag() {
        return consumerLag.perPartition();
    }

    /**
     * Adds a listener told after each lag measurement (each loop turn), e.g. to keep per-partition gauges in step
     * with the assignment.
     *
     * @param listener the listener
     */
    public void onLagMeasured(LagListener listener) {
        consumerLag.addListener(listener);
    }

    /** @return what the source is doing now */
    public Health health() {
        Thread t = loop;
        return new Health(t != null && t.isAlive() && !stopping, consumerLag.total(), new TreeSet<>(assigned),
                backpressure.paused(), recordsRead.get(), deadLettered.get(), lastError, consumerLag.perPartition());
    }

    private void run() {
        try {
            consumer.subscribe(options.topics(),
                    new RebalanceListener(offsets, consumerLag, backpressure, assigned, clientId));
            while (!stopping) {
                try {
                    backpressure.apply();
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(options.pollTimeout());
                    for (TopicPartition tp : records.partitions()) {
                        process(tp, records.records(tp));
                    }
                    offsets.commitReady(null);
                    consumerLag.measure();
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
            offsets.drain(offsets.partitions());
            offsets.commitReady(null);
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

    /** Dead letters, stores and hands one partition's polled records to the scorer. */
    private void process(TopicPartition tp, List<ConsumerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        long first = records.get(0).offset();
        long next = records.get(records.size() - 1).offset() + 1;
        offsets.started(tp, first);
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
            offsets.add(tp, first, next, done);
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
