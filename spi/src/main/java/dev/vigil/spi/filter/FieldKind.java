package dev.vigil.spi.filter;

/** What part of a trace a filter field reads. */
public enum FieldKind {
    /**
     * A trace attribute: {@code status}, {@code timestamp_ms}, {@code execution_time_ms}, {@code end_time_ms},
     * {@code name}, {@code client_request_id}, {@code run_id}, {@code request_id}. Written {@code attributes.},
     * {@code attribute.} or {@code trace.}.
     */
    ATTRIBUTE("attributes"),
    /** A tag: {@code tags.<key>} or {@code tag.<key>}. */
    TAG("tags"),
    /** Trace metadata: {@code metadata.<key>} or {@code request_metadata.<key>}. */
    METADATA("metadata"),
    /** The name of any span: {@code span.name}. The key is {@code name}. */
    SPAN_NAME("span"),
    /** The type of any span: {@code span.type}. The key is {@code type}. */
    SPAN_TYPE("span"),
    /** The status of any span: {@code span.status}. The key is {@code status}. */
    SPAN_STATUS("span"),
    /** An attribute of any span: {@code span.attributes.<key>}. */
    SPAN_ATTRIBUTE("span.attributes"),
    /** The value of an assessment already on the trace: {@code feedback.<name>} or {@code assessment.<name>}. */
    FEEDBACK("feedback"),
    /**
     * The text of any span (its name, type, inputs, outputs and attributes as JSON): {@code span.content}, also
     * written {@code trace.text} as in MLflow. The key is {@code content}.
     */
    SPAN_CONTENT("span"),
    /** The value of an expectation (ground truth) already on the trace: {@code expectation.<name>}. */
    EXPECTATION("expectation");

    private final String prefix;

    FieldKind(String prefix) {
        this.prefix = prefix;
    }

    /** @return the canonical prefix this kind is printed with */
    public String prefix() {
        return prefix;
    }

    /** @return true for the span fields, which match if any span of the trace matches */
    public boolean isSpanField() {
        return this == SPAN_NAME || this == SPAN_TYPE || this == SPAN_STATUS || this == SPAN_ATTRIBUTE
                || this == SPAN_CONTENT;
    }
}
