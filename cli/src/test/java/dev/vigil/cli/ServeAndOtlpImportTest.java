package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #15's CLI leftovers: {@code vigil serve} starts and stops cleanly; {@code traces import} reads OTLP protobuf. */
class ServeAndOtlpImportTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void serveHelp_namesTheOtlpEndpointAndItsOptions() {
        Cli.Result r = cli.run("serve", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: vigil serve").contains("/v1/traces").contains("--port")
                .contains("--store").contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    }

    @Test
    void serve_startsOnAFreePort_andStopsCleanlyAfterItsDuration() {
        Cli.Result r = cli.run("serve", "--port", "0", "--duration", "1s");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("Serving OTLP/HTTP at http://127\\.0\\.0\\.1:\\d+/v1/traces on ")
                .contains("Stopped cleanly.");
    }

    @Test
    void serve_onAPortInUse_saysSoInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result r = cli.run("serve", "--port", Integer.toString(taken.getLocalPort()), "--duration", "1s");

            assertThat(r.code()).isNotZero();
            assertThat(r.err()).startsWith("vigil: ").doesNotContain("\tat ");
            assertThat(r.err().lines().count()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void importOtlpProtobufFiles_plainAndGzipped_storesTheirSpans(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("a.pb"), request("5b8efff798038103d269b633813fc60c", "chat gpt-4o", "checkout"));
        Files.write(tmp.resolve("b.binpb.gz"), gzip(request("0af7651916cd43dd8448eb211c80319c", "retrieve", "search")));

        Cli.Result r = cli.run("traces", "import", "-e", "otlp", tmp.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Imported 2 traces (2 spans, 0 assessments) from 2 files into experiment 'otlp'");
        Trace a = store.traces().get("tr-5b8efff798038103d269b633813fc60c").orElseThrow();
        assertThat(a.spans()).extracting(Span::name).containsExactly("chat gpt-4o");
        assertThat(store.traces().get("tr-0af7651916cd43dd8448eb211c80319c").orElseThrow().spans())
                .extracting(Span::name).containsExactly("retrieve");
    }

    @Test
    void importOfABrokenProtobufFile_namesTheFile_andWritesNothing(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.pb");
        Files.write(bad, new byte[] {0x0a, 0x7f, 0x01});

        Cli.Result r = cli.run("traces", "import", "-e", "otlp", bad.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: " + bad + ": ").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(3);
        assertThat(store.experiments().findByName("otlp").map(e -> store.traces().count(e.experimentId())))
                .contains(0L);
    }

    // ------------------------------------------------- a minimal protobuf writer for ExportTraceServiceRequest

    private static byte[] request(String traceIdHex, String spanName, String service) throws IOException {
        byte[] serviceName = keyValue("service.name", service);
        byte[] resource = field(1, serviceName);
        long start = 1_764_000_000_000_000_000L;
        ByteArrayOutputStream span = new ByteArrayOutputStream();
        span.write(field(1, HexFormat.of().parseHex(traceIdHex)));
        span.write(field(2, HexFormat.of().parseHex("b7ad6b7169203331")));
        span.write(field(5, spanName.getBytes(StandardCharsets.UTF_8)));
        span.write(tag(6, 0));
        span.write(varint(1)); // SPAN_KIND_INTERNAL
        span.write(fixed64(7, start));
        span.write(fixed64(8, start + 250_000_000L));
        span.write(field(9, keyValue("gen_ai.operation.name", "chat")));
        byte[] scopeSpans = field(2, span.toByteArray());
        ByteArrayOutputStream resourceSpans = new ByteArrayOutputStream();
        resourceSpans.write(field(1, resource));
        resourceSpans.write(field(2, scopeSpans));
        return field(1, resourceSpans.toByteArray());
    }

    private static byte[] keyValue(String key, String value) throws IOException {
        ByteArrayOutputStream kv = new ByteArrayOutputStream();
        kv.write(field(1, key.getBytes(StandardCharsets.UTF_8)));
        kv.write(field(2, field(1, value.getBytes(StandardCharsets.UTF_8)))); // AnyValue.string_value
        return kv.toByteArray();
    }

    private static byte[] field(int number, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag(number, 2));
        out.write(varint(body.length));
        out.write(body);
        return out.toByteArray();
    }

    private static byte[] fixed64(int number, long value) {
        byte[] out = new byte[9];
        out[0] = tag(number, 1)[0];
        for (int i = 0; i < 8; i++) {
            out[1 + i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static byte[] tag(int number, int wireType) {
        return varint((number << 3) | wireType);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}
