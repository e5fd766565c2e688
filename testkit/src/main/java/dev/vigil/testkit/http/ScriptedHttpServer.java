package dev.vigil.testkit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server on loopback that answers every request with the next scripted reply (or the fallback reply
 * once the script is used up) and records what it received. Faults are scripted like answers: a 429 with
 * {@code Retry-After}, a 5xx, a reply slower than the client's timeout, a dropped connection, a malformed body.
 *
 * <p>Thread-safe. Delays are bounded ({@link #MAX_DELAY_MS}) and {@link #close()} stops the server at once, so a
 * test never hangs on it.
 */
public final class ScriptedHttpServer implements AutoCloseable {

    /** The longest delay a reply may ask for, so a broken test cannot hang the build. */
    public static final long MAX_DELAY_MS = 10_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<ScriptedReply> script = new ArrayDeque<>();
    private final List<RecordedRequest> received = new ArrayList<>();
    private long count;
    private boolean recording = true;
    private ScriptedReply fallback = ScriptedReply.json(404, "{\"error\":{\"message\":\"no scripted reply left\"}}");

    private ScriptedHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @return a started server on 127.0.0.1 and a free port */
    public static ScriptedHttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
            ScriptedHttpServer out = new ScriptedHttpServer(s, ex);
            s.createContext("/", out::handle);
            s.setExecutor(ex);
            s.start();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback HTTP server", e);
        }
    }

    /** @return the base URI, e.g. {@code http://127.0.0.1:41234} */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** @param replies replies to give, in order, to the next requests @return this */
    public synchronized ScriptedHttpServer enqueue(ScriptedReply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** @param reply the reply once the script is used up @return this */
    public synchronized ScriptedHttpServer fallback(ScriptedReply reply) {
        this.fallback = reply;
        return this;
    }

    /**
     * @param record false to stop recording requests (for benchmarks, so memory stays flat); counts still grow
     * @return this
     */
    public synchronized ScriptedHttpServer recordRequests(boolean record) {
        this.recording = record;
        return this;
    }

    /** @return the requests received so far, in order */
    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(received);
    }

    /** @return how many requests were received */
    public synchronized int requestCount() {
        return (int) count;
    }

    /** @return the last request received @throws IllegalStateException if none */
    public synchronized RecordedRequest lastRequest() {
        if (received.isEmpty()) {
            throw new IllegalStateException("the server received no request");
        }
        return received.get(received.size() - 1);
    }

    /** Forgets the script and the recorded requests. */
    public synchronized void reset() {
        script.clear();
        received.clear();
        count = 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        ScriptedReply reply;
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            synchronized (this) {
                count++;
                if (recording) {
                    received.add(new RecordedRequest(exchange.getRequestMethod(),
                            exchange.getRequestURI().toString(), headers, body));
                }
                reply = script.isEmpty() ? fallback : script.poll();
            }
        }
        try {
            long delay = Math.min(reply.delay().toMillis(), MAX_DELAY_MS);
            if (delay > 0) {
                Thread.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        if (reply.dropConnection()) {
            // No status line at all: the client sees the connection closed under it.
            exchange.close();
            return;
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        try {
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException clientGone) {
            // The client timed out and left; nothing to answer.
        } finally {
            exchange.close();
        }
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
