package dev.vigil.server;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/** A second OTLP/HTTP endpoint on loopback that records the log records it receives at /v1/logs. */
final class LoopbackOtlpReceiver implements AutoCloseable {

    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final HttpServer http;

    LoopbackOtlpReceiver() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/logs", ex -> {
            try (ex) {
                InputStream in = ex.getRequestBody();
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                    in = new GZIPInputStream(in);
                }
                ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(in.readAllBytes());
                req.getResourceLogsList().forEach(rl -> rl.getScopeLogsList()
                        .forEach(sl -> records.addAll(sl.getLogRecordsList())));
                byte[] body = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body);
                }
            }
        });
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    static String attr(LogRecord r, String key) {
        return r.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).findFirst()
                .map(kv -> kv.getValue().hasStringValue() ? kv.getValue().getStringValue()
                        : kv.getValue().hasDoubleValue() ? Double.toString(kv.getValue().getDoubleValue())
                        : kv.getValue().toString())
                .orElse(null);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
