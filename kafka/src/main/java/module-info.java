/**
 * Kafka source for the monitoring engine: engines in a consumer group score an OTLP (or MLflow trace JSON) topic
 * exactly once per (trace, scorer, version), send poison records to a dead-letter topic, and optionally publish
 * each stored assessment to a topic.
 */
module dev.vigil.kafka {
    requires transitive dev.vigil.spi;
    requires transitive dev.vigil.core;
    requires dev.vigil.otel;
    requires kafka.clients;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static micrometer.core;

    exports dev.vigil.kafka;
}
