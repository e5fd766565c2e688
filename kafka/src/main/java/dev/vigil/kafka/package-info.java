/**
 * The Kafka trace source ({@link dev.vigil.kafka.KafkaTraceSource}), its options
 * ({@link dev.vigil.kafka.KafkaSourceOptions}), record formats, dead letters and the assessment publisher.
 */
package dev.vigil.kafka;
