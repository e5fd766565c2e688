package dev.vigil.kafka;

import dev.vigil.core.engine.BatchScorer;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A {@link KafkaTraceSource}'s backpressure: when the batch scorer has as many runs in flight as the engine's
 * admission limit, every assigned partition is paused (the consumer keeps polling, so it stays in the group) and
 * resumed once below. Nothing is dropped, and nothing is buffered past one poll. Applied on the consumer's thread.
 */
final class Backpressure {

    private final Consumer<byte[], byte[]> consumer;
    private final BatchScorer scorer;
    private volatile boolean paused;

    Backpressure(Consumer<byte[], byte[]> consumer, BatchScorer scorer) {
        this.consumer = consumer;
        this.scorer = scorer;
    }

    /** @return true while reading is paused */
    boolean paused() {
        return paused;
    }

    /** Pauses or resumes the assigned partitions, before each poll. */
    void apply() {
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

    /** Newly assigned partitions start paused while reading is paused. */
    void assigned(Collection<TopicPartition> partitions) {
        if (paused) {
            consumer.pause(partitions);
        }
    }
}
