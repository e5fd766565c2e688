package dev.vigil.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Publishes a {@link KafkaTraceSource}'s consumer lag to a Micrometer registry (the one {@code vigil serve} shows at
 * {@code /metrics}): the gauge {@code vigil.kafka.consumer.lag} (the sum over the assigned partitions; Prometheus
 * {@code vigil_kafka_consumer_lag}) and one gauge {@code vigil.kafka.partition.lag} per assigned partition, tagged
 * {@code topic} and {@code partition} ({@code vigil_kafka_partition_lag{topic="traces",partition="0"}}). The
 * per-partition series follow the assignment: a revoked partition's series goes away at the next measurement.
 *
 * <p>Micrometer is an optional dependency of this module: this class needs {@code micrometer-core} on the path.
 */
public final class KafkaLagMeters implements AutoCloseable {

    /** The total lag gauge's name. */
    public static final String TOTAL = "vigil.kafka.consumer.lag";
    /** The per-partition lag gauge's name. */
    public static final String PER_PARTITION = "vigil.kafka.partition.lag";

    private final KafkaTraceSource source;
    private final MeterRegistry registry;
    private final Gauge total;
    private final MultiGauge perPartition;
    private Set<String> published = Set.of();
    private volatile boolean closed;

    private KafkaLagMeters(KafkaTraceSource source, MeterRegistry registry) {
        this.source = source;
        this.registry = registry;
        this.total = Gauge.builder(TOTAL, source, KafkaTraceSource::lag).strongReference(true)
                .description("Kafka consumer lag summed over this engine's partitions: records not yet stored and "
                        + "scored").baseUnit("records").register(registry);
        this.perPartition = MultiGauge.builder(PER_PARTITION)
                .description("Kafka consumer lag of one partition: records not yet stored and scored")
                .baseUnit("records").register(registry);
    }

    /**
     * Registers the gauges and keeps the per-partition ones in step with the source's measurements.
     *
     * @param source the source
     * @param registry where to publish
     * @return the binding; close it to remove the gauges
     */
    public static KafkaLagMeters bind(KafkaTraceSource source, MeterRegistry registry) {
        KafkaLagMeters m = new KafkaLagMeters(Objects.requireNonNull(source, "source"),
                Objects.requireNonNull(registry, "registry"));
        m.measured(source.partitionLag());
        source.onLagMeasured(m::measured);
        return m;
    }

    /** Re-registers the per-partition rows when the set of partitions changed; values are read at scrape time. */
    private synchronized void measured(Map<String, Long> lag) {
        if (closed || lag.keySet().equals(published)) {
            return;
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>(lag.size());
        for (String key : lag.keySet()) {
            int dash = key.lastIndexOf('-');
            Tags tags = Tags.of("topic", key.substring(0, dash), "partition", key.substring(dash + 1));
            rows.add(MultiGauge.Row.of(tags, source, s -> s.partitionLag().getOrDefault(key, 0L)));
        }
        perPartition.register(rows, true);
        published = Set.copyOf(lag.keySet());
    }

    /** Removes the gauges from the registry. */
    @Override
    public synchronized void close() {
        closed = true;
        perPartition.register(List.of(), true);
        registry.remove(total);
    }
}
