package dev.vigil.kafka;

import java.util.Locale;

/** How the value of a trace record is encoded (the topic's default, or the record's {@value #HEADER} header). */
public enum RecordFormat {
    /** An OTLP {@code ExportTraceServiceRequest} in protobuf: the Collector Kafka exporter's default. */
    OTLP_PROTO,
    /** An OTLP {@code ExportTraceServiceRequest} in the OTLP/JSON mapping (the exporter's {@code otlp_json}). */
    OTLP_JSON,
    /** One MLflow trace as JSON ({@code {"info": ..., "data": {"spans": [...]}}}). */
    MLFLOW_JSON;

    /** The record header naming a record's format, overriding the topic's. */
    public static final String HEADER = "vigil-format";

    /**
     * @param text {@code otlp_proto}, {@code otlp_json} or {@code mlflow_json} (any case, {@code -} or {@code _})
     * @return the format
     * @throws IllegalArgumentException naming the allowed values
     */
    public static RecordFormat parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (RecordFormat f : values()) {
            if (f.name().equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown record format '" + text
                + "': use otlp_proto, otlp_json or mlflow_json");
    }

    /** @return the lower-case name used in configuration and headers */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
