package dev.vigil.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * How a {@link KafkaTraceSource} connects and reads, the Kafka way: bootstrap servers, group id, topics and any
 * other Kafka client property (security settings, timeouts) passed through unchanged to the consumer and
 * producers.
 *
 * @param bootstrapServers the {@code bootstrap.servers} list
 * @param groupId the consumer group every engine of a deployment shares
 * @param topics the trace topics
 * @param format the records' format when a record has no {@value RecordFormat#HEADER} header
 * @param experiment the experiment traces are logged to when neither a record header ({@code x-vigil-experiment})
 *     nor the resource attribute {@code vigil.experiment} names one; null for {@code default}
 * @param deadLetterTopic where poison records go, with the reason in headers
 * @param assessmentsTopic where each stored assessment is published (MLflow assessment JSON keyed by trace id), or
 *     null for none
 * @param maxRecordBytes records larger than this are poison
 * @param pollTimeout how long one poll waits for records
 * @param clientProperties other Kafka client properties, passed to the consumer and the producers
 */
public record KafkaSourceOptions(String bootstrapServers, String groupId, List<String> topics, RecordFormat format,
        String experiment, String deadLetterTopic, String assessmentsTopic, int maxRecordBytes,
        Duration pollTimeout, Map<String, String> clientProperties) {

    /** Default consumer group. */
    public static final String DEFAULT_GROUP = "vigil";
    /** Default trace topic (the Collector Kafka exporter's default topic). */
    public static final String DEFAULT_TOPIC = "otlp_spans";
    /** Default record size limit: 8 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

    /** Validates and freezes. */
    public KafkaSourceOptions {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are required (bootstrap=host:9092,...)");
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("a Kafka consumer group id is required (group=...)");
        }
        topics = List.copyOf(topics);
        if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("at least one non-blank trace topic is required (topic=...)");
        }
        Objects.requireNonNull(format, "format");
        if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
            throw new IllegalArgumentException("a dead-letter topic is required (dlq=...)");
        }
        if (topics.contains(deadLetterTopic) || assessmentsTopic != null && topics.contains(assessmentsTopic)) {
            throw new IllegalArgumentException("the dead-letter and assessments topics must differ from the trace"
                    + " topics " + topics);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 1, got " + maxRecordBytes);
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive, got " + pollTimeout);
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Vigil's own keys in {@code vigil serve --kafka}, as named in its errors. */
    private static final String KEYS = "bootstrap, group, topic, format, experiment, dlq, assessments,"
            + " max.record.bytes, or a Kafka consumer or producer property (e.g. security.protocol)";

    /**
     * Parses {@code vigil serve --kafka}'s value: comma-separated {@code key=value} pairs. Vigil's keys are
     * {@code bootstrap} (several servers {@code ;}-separated), {@code group}, {@code topic} (repeatable, or
     * {@code ;}-separated), {@code format}, {@code experiment}, {@code dlq}, {@code assessments},
     * {@code max.record.bytes}; any other key must be a Kafka consumer or producer property (e.g.
     * {@code security.protocol=SASL_SSL}) and is checked against the Kafka clients' own definition (its type and
     * allowed values), so a misspelt key or a bad value is refused here rather than ignored by the clients.
     *
     * @param spec the value
     * @return the options
     * @throws IllegalArgumentException naming the bad key or pair and what is allowed
     */
    public static KafkaSourceOptions parse(String spec) {
        Builder b = builder();
        List<String> topics = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--kafka needs key=value pairs, e.g. bootstrap=localhost:9092,"
                    + "topic=otlp_spans");
        }
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--kafka: '" + pair.strip() + "' is not key=value (several"
                        + " bootstrap servers or topics are ;-separated); keys are " + KEYS);
            }
            String key = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            switch (key.toLowerCase(Locale.ROOT)) {
                case "bootstrap", "bootstrap.servers" ->
                        b.bootstrapServers(required(key, value, "host:port[;host:port...]").replace(';', ','));
                case "group", "group.id" -> b.groupId(required(key, value, "a consumer group id"));
                case "topic", "topics" -> {
                    for (String t : required(key, value, "a topic name[;topic...]").split(";")) {
                        if (!t.isBlank()) {
                            topics.add(t.strip());
                        }
                    }
                }
                case "format" -> {
                    try {
                        b.format(RecordFormat.parse(value));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--kafka format: " + e.getMessage(), e);
                    }
                }
                case "experiment" -> b.experiment(required(key, value, "an experiment name"));
                case "dlq" -> b.deadLetterTopic(required(key, value, "a topic name"));
                case "assessments" -> b.assessmentsTopic(required(key, value, "a topic name"));
                case "max.record.bytes" -> {
                    int bytes;
                    try {
                        bytes = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        bytes = 0;
                    }
                    if (bytes < 1) {
                        throw new IllegalArgumentException("--kafka: max.record.bytes must be a whole number of"
                                + " bytes, at least 1, got '" + value + "'");
                    }
                    b.maxRecordBytes(bytes);
                }
                default -> b.clientProperty(key, checkClientProperty(key, value));
            }
        }
        if (!topics.isEmpty()) {
            b.topics(topics);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--kafka: " + e.getMessage(), e);
        }
    }

    private static String required(String key, String value, String allowed) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("--kafka: " + key + " has no value; give " + allowed);
        }
        return value;
    }

    /**
     * Checks a pass-through key against the Kafka clients' definitions: it must be a consumer or producer property
     * (or a {@code config.providers} one), and its value must parse as that property's type and pass its validator.
     */
    private static String checkClientProperty(String key, String value) {
        if (key.startsWith("config.providers.")) {
            return value;
        }
        ConfigDef.ConfigKey def = ConsumerConfig.configDef().configKeys().get(key);
        if (def == null) {
            def = ProducerConfig.configDef().configKeys().get(key);
        }
        if (def == null) {
            throw new IllegalArgumentException("--kafka: unknown key '" + key + "'; keys are " + KEYS);
        }
        try {
            Object parsed = ConfigDef.parseType(key, value, def.type);
            if (def.validator != null) {
                def.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException e) {
            throw new IllegalArgumentException("--kafka " + key + ": " + e.getMessage() + " (allowed: "
                    + def.type.toString().toLowerCase(Locale.ROOT) + (def.validator == null ? "" : " " + def.validator)
                    + ")", e);
        }
        return value;
    }

    /** Builds {@link KafkaSourceOptions}. */
    public static final class Builder {
        private String bootstrapServers;
        private String groupId = DEFAULT_GROUP;
        private List<String> topics = List.of(DEFAULT_TOPIC);
        private RecordFormat format = RecordFormat.OTLP_PROTO;
        private String experiment;
        private String deadLetterTopic;
        private String assessmentsTopic;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private Duration pollTimeout = Duration.ofMillis(200);
        private final Map<String, String> clientProperties = new LinkedHashMap<>();

        private Builder() {}

        /** @param v {@code bootstrap.servers} @return this */
        public Builder bootstrapServers(String v) {
            bootstrapServers = v;
            return this;
        }

        /** @param v the consumer group id @return this */
        public Builder groupId(String v) {
            groupId = v;
            return this;
        }

        /** @param v the trace topics @return this */
        public Builder topics(List<String> v) {
            topics = List.copyOf(v);
            return this;
        }

        /** @param v the trace topic @return this */
        public Builder topic(String v) {
            topics = List.of(v);
            return this;
        }

        /** @param v the default record format @return this */
        public Builder format(RecordFormat v) {
            format = v;
            return this;
        }

        /** @param v the default experiment name @return this */
        public Builder experiment(String v) {
            experiment = v;
            return this;
        }

        /** @param v the dead-letter topic (default: the first trace topic + {@code .dlq}) @return this */
        public Builder deadLetterTopic(String v) {
            deadLetterTopic = v;
            return this;
        }

        /** @param v the assessments topic, or null for none @return this */
        public Builder assessmentsTopic(String v) {
            assessmentsTopic = v;
            return this;
        }

        /** @param v the record size limit in bytes @return this */
        public Builder maxRecordBytes(int v) {
            maxRecordBytes = v;
            return this;
        }

        /** @param v one poll's wait @return this */
        public Builder pollTimeout(Duration v) {
            pollTimeout = v;
            return this;
        }

        /**
         * @param key a Kafka client property
         * @param value its value
         * @return this
         */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(key, value);
            return this;
        }

        /** @return the options */
        public KafkaSourceOptions build() {
            String dlq = deadLetterTopic != null ? deadLetterTopic : topics.isEmpty() ? null : topics.get(0) + ".dlq";
            return new KafkaSourceOptions(bootstrapServers, groupId, topics, format, experiment, dlq,
                    assessmentsTopic, maxRecordBytes, pollTimeout, clientProperties);
        }
    }
}
