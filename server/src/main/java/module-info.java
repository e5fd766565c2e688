/** {@code vigil serve}: the OTLP/HTTP trace intake, health and metrics over the monitoring engine. */
module dev.vigil.server {
    requires transitive dev.vigil.otel;
    requires jdk.httpserver;
    requires com.google.protobuf;
    requires io.opentelemetry.proto;
    requires micrometer.core;
    requires org.slf4j;

    exports dev.vigil.server;
}
