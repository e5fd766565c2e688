/** OTLP trace intake (protobuf, JSON, gzip), GenAI convention mapping, trace assembly, and VigilSpanExporter. */
module dev.vigil.otel {
    requires transitive dev.vigil.spi;
    requires transitive dev.vigil.core;
    requires transitive io.opentelemetry.sdk.trace;
    requires transitive io.opentelemetry.sdk.common;
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;
    requires transitive io.opentelemetry.sdk.logs;
    requires io.opentelemetry.exporter.otlp;
    requires io.opentelemetry.proto;
    requires com.google.protobuf;
    requires org.slf4j;

    exports dev.vigil.otel;
}
