package dev.vigil.python.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM of the {@link ProcessRuntime}: its pipes (a reader thread queues its replies, another keeps the
 * last lines of its stderr for the message when it dies), the request-reply round trip over {@link Wire}, and the
 * scorers it has loaded. Used by one caller at a time (taken from, and returned to, the {@link ProcessPool}).
 */
final class WorkerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final Object EOF = new Object();

    private final Process process;
    private final DataOutputStream out;
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    final Set<Long> loaded = new HashSet<>();
    private final Deque<String> lastErrors = new ArrayDeque<>();
    final String name;

    /**
     * Starts the process and waits for it to say it is ready.
     *
     * @param name the worker's name (for its threads and log lines)
     * @param command its command line ({@link WorkerCommand})
     * @param readyTimeout how long it may take to start and warm up
     * @throws IOException if it could not start, or died or did not say it was ready in time
     */
    WorkerProcess(String name, List<String> command, Duration readyTimeout) throws IOException {
        this.name = name;
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        this.process = pb.start();
        this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
        DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        Thread.ofPlatform().daemon().name(name + "-stderr").start(this::pumpErrors);
        Thread.ofPlatform().daemon().name(name + "-reader").start(() -> {
            try {
                JsonNode m;
                while ((m = Wire.read(in)) != null) {
                    replies.add(m);
                }
            } catch (IOException e) {
                LOG.debug("{}: {}", name, e.toString());
            }
            replies.add(EOF);
        });
        Object ready;
        try {
            ready = replies.poll(readyTimeout.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = null;
        }
        if (!(ready instanceof JsonNode r) || !r.path("ready").asBoolean()) {
            kill();
            throw new IOException("worker process did not start (" + describeDeath() + ")");
        }
    }

    private void pumpErrors() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.debug("{}: {}", name, line);
                synchronized (lastErrors) {
                    lastErrors.addLast(line);
                    if (lastErrors.size() > 5) {
                        lastErrors.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /**
     * @param timeoutNanos how long to wait for the reply, or (for a call) for the child to start running it
     * @param runningTimeoutNanos for a call, how long to wait for the reply once the child says the scorer runs
     * @return the reply, or null if none came by the deadline (the worker is then killed by the caller)
     */
    JsonNode roundTrip(JsonNode request, long timeoutNanos, long runningTimeoutNanos) throws IOException {
        Wire.write(out, request);
        long wait = timeoutNanos;
        while (true) {
            Object r;
            try {
                r = replies.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (r == EOF) {
                throw new IOException("worker process ended");
            }
            if (r instanceof JsonNode n && n.path("running").asBoolean()) {
                wait = runningTimeoutNanos;
                continue;
            }
            return (JsonNode) r;
        }
    }

    String describeDeath() {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String exit = process.isAlive() ? "still running" : "exit code " + process.exitValue();
        synchronized (lastErrors) {
            return exit + (lastErrors.isEmpty() ? "" : "; last output: " + String.join(" | ", lastErrors));
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
