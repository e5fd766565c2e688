/**
 * The Vigil server: {@link dev.vigil.server.VigilServer} accepts OTLP/HTTP traces at {@code POST /v1/traces}
 * ({@link dev.vigil.server.OtlpTracesHandler}), answers {@code /health} and {@code /metrics}, and leaves room for
 * more routes ({@link dev.vigil.server.VigilServer.Builder#route}) such as the dashboard API.
 */
package dev.vigil.server;
