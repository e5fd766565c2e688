package dev.vigil.kafka;

import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes stored assessments to a topic as MLflow assessment JSON keyed by trace id, with an idempotent producer
 * ({@code enable.idempotence}, {@code acks=all}). A batch is acknowledged before its trace records' offsets are
 * committed: every stored assessment is published at least once; a crash between publishing and committing
 * publishes it again with the same assessment id, so consumers deduplicate by {@code assessment_id}.
 */
final class AssessmentPublisher implements AutoCloseable {

    private final String topic;
    private final KafkaProducer<String, String> producer;

    AssessmentPublisher(String topic, Properties base) {
        this.topic = topic;
        Properties p = new Properties();
        p.putAll(base);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Publishes and waits for the acknowledgements. */
    void publish(List<Assessment> stored) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(stored.size());
        for (Assessment a : stored) {
            sent.add(producer.send(new ProducerRecord<>(topic, a.traceId(), MlflowJson.writeAssessment(a))));
        }
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted publishing assessments", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot publish assessments to " + topic + ": " + e.getCause(),
                        e.getCause());
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
