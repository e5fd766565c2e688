package dev.vigil.python.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Python scorers in a pool of child JVMs ({@link WorkerMain}), each with a heap cap and
 * {@code -XX:+ExitOnOutOfMemoryError}, talking over their stdin/stdout. A worker whose call overruns its budget
 * (or does not answer by the budget plus a grace), or that dies, is killed and replaced in the background; the
 * caller gets an error feedback. The children get the parent's module or class path and, when the parent runs
 * the optimizing Truffle runtime, the same JVMCI flags.
 */
public final class ProcessRuntime implements ScorerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Object EOF = new Object();

    private final SandboxSettings settings;
    private final BlockingQueue<Worker> idle = new LinkedBlockingQueue<>();
    private final Set<Worker> all = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private final AtomicInteger restarts = new AtomicInteger();
    private final AtomicInteger starting = new AtomicInteger();
    private final List<String> command;
    private volatile String lastStartFailure;
    private volatile boolean closed;

    /** @param settings the sandbox settings */
    public ProcessRuntime(SandboxSettings settings) {
        this.settings = settings;
        this.command = command(settings);
        for (int i = 0; i < settings.processes(); i++) {
            startInBackground();
        }
    }

    /** @return how many workers were replaced since start */
    public int restarts() {
        return restarts.get();
    }

    static List<String> command(SandboxSettings s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        cmd.add("-Xmx" + s.processHeapMb() + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean jvmci = jvmArgs.contains("-XX:+EnableJVMCI");
        String upgrade = System.getProperty("jdk.module.upgrade.path");
        if (jvmci && upgrade != null) {
            cmd.add("-XX:+UnlockExperimentalVMOptions");
            cmd.add("-XX:+EnableJVMCI");
            cmd.add("--upgrade-module-path=" + upgrade);
        }
        for (String a : jvmArgs) {
            if (a.startsWith("-Dpolyglot.") || a.startsWith("-Dvigil.python.")) {
                cmd.add(a);
            }
        }
        if (Runtime.version().feature() >= 23) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        boolean named = WorkerMain.class.getModule().isNamed();
        if (named) {
            cmd.add("--enable-native-access=org.graalvm.truffle");
            cmd.add("-p");
            cmd.add(System.getProperty("jdk.module.path"));
            cmd.add("-m");
            cmd.add(WorkerMain.class.getModule().getName() + "/" + WorkerMain.class.getName());
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(WorkerMain.class.getName());
        }
        cmd.add(Long.toString(s.timeBudget().toMillis()));
        cmd.add(Long.toString(s.loadBudget().toMillis()));
        cmd.add(Long.toString(s.allocationBudgetBytes()));
        cmd.add(Integer.toString(s.outputLimitBytes()));
        cmd.add(Boolean.toString(s.optimizingRuntime()));
        cmd.add(Long.toString(s.cancelGrace().toMillis()));
        cmd.removeIf(String::isEmpty);
        return List.copyOf(cmd);
    }

    private void startInBackground() {
        if (closed) {
            return;
        }
        starting.incrementAndGet();
        Thread.ofPlatform().daemon().name("vigil-python-process-starter").start(() -> {
            try {
                Worker w = new Worker("vigil-python-worker-" + numbers.incrementAndGet());
                if (closed) {
                    w.kill();
                    return;
                }
                all.add(w);
                idle.add(w);
            } catch (IOException | RuntimeException e) {
                lastStartFailure = e.getMessage();
                LOG.error("could not start a Python worker process with {}: {}", command, e.toString());
            } finally {
                starting.decrementAndGet();
            }
        });
    }

    private Worker acquire() {
        // Generous: on a busy machine a child JVM can take minutes to start and warm up.
        long end = System.nanoTime() + settings.loadBudget().plusSeconds(420).toNanos();
        try {
            while (System.nanoTime() < end) {
                Worker w = idle.poll(100, TimeUnit.MILLISECONDS);
                if (w != null) {
                    return w;
                }
                if (all.isEmpty() && starting.get() == 0 && lastStartFailure != null) {
                    // Nothing is running or starting: the last start failed; try again, and fail this call.
                    startInBackground();
                    return null;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void release(Worker w) {
        if (closed) {
            w.kill();
        } else {
            idle.add(w);
        }
    }

    private void retire(Worker w) {
        w.kill();
        all.remove(w);
        restarts.incrementAndGet();
        startInBackground();
    }

    private long hardDeadlineNanos(Duration budget) {
        // The child enforces the budget itself and answers with an error; the parent only steps in when it does
        // not answer: past the budget plus the child's interrupt-then-close grace plus a generous margin (a child
        // on a busy machine may be descheduled for seconds; a stuck child is rare and this is its only cost).
        return budget.plus(settings.cancelGrace().multipliedBy(2)).plusSeconds(10).toNanos();
    }

    /** How long the parent waits for a child to start running a call (decode it, load the scorer): generous. */
    private long preparationNanos() {
        return hardDeadlineNanos(settings.loadBudget()) + TimeUnit.SECONDS.toNanos(60);
    }

    @Override
    public Analysis analyze(String name, String source, String entry) {
        Worker w = acquire();
        if (w == null) {
            throw new IllegalStateException("no Python worker process could be started"
                    + (lastStartFailure == null ? "" : ": " + lastStartFailure));
        }
        ObjectNode req = F.objectNode().put("op", "analyze").put("name", name).put("source", source)
                .put("entry", entry);
        boolean healthy = false;
        try {
            JsonNode resp = w.roundTrip(req, hardDeadlineNanos(settings.loadBudget()), 0);
            if (resp == null) {
                throw new PythonSourceException("Python scorer '" + name + "' could not be loaded: its module-level "
                        + "code ran longer than " + settings.loadBudget().toSeconds() + " s", 0, 0);
            }
            healthy = true;
            if (!resp.get("ok").asBoolean()) {
                throw new PythonSourceException(resp.get("message").asText(), resp.get("line").asInt(),
                        resp.get("column").asInt());
            }
            List<String> aggs = null;
            if (resp.hasNonNull("aggregations")) {
                aggs = new ArrayList<>();
                for (JsonNode a : resp.get("aggregations")) {
                    aggs.add(a.asText());
                }
            }
            List<String> params = new ArrayList<>();
            resp.get("params").forEach(p -> params.add(p.asText()));
            return new Analysis(resp.get("entry").asText(), resp.get("decorated").isNull() ? null
                    : resp.get("decorated").asText(), aggs == null ? null : List.copyOf(aggs), List.copyOf(params));
        } catch (IOException e) {
            throw new PythonSourceException("Python scorer '" + name + "' could not be loaded: the worker process "
                    + "died (" + w.describeDeath() + ")", 0, 0);
        } finally {
            if (healthy) {
                release(w);
            } else {
                retire(w);
            }
        }
    }

    @Override
    public Outcome call(ScorerCode code, ScorerInput input, Consumer<String> onWrittenOff) {
        return send(code, req -> {
            req.set("inputs", Json.toNode(input.inputs()));
            req.set("outputs", Json.toNode(input.outputs()));
            req.set("expectations", Json.toNode(input.expectations()));
            req.set("trace", input.trace() == null ? F.nullNode() : MlflowJson.toTree(input.trace()));
        });
    }

    /** A session call carries {@code session}: the turns' traces, in MLflow's JSON form, in order. */
    @Override
    public Outcome callSession(ScorerCode code, List<Trace> turns, Consumer<String> onWrittenOff) {
        return send(code, req -> {
            ArrayNode session = req.putArray("session");
            for (Trace t : turns) {
                session.add(MlflowJson.toTree(t));
            }
        });
    }

    private Outcome send(ScorerCode code, Consumer<ObjectNode> arguments) {
        if (closed) {
            return new Outcome(InProcessRuntime.error("SANDBOX_CLOSED", "the Python sandbox was closed", null), false);
        }
        Worker w = acquire();
        if (w == null) {
            return new Outcome(InProcessRuntime.error("NO_WORKER", "no Python worker process was available"
                    + (lastStartFailure == null ? "" : ": " + lastStartFailure), null), false);
        }
        ObjectNode req = F.objectNode().put("op", "call").put("id", code.id());
        if (!w.loaded.contains(code.id())) {
            req.put("name", code.name()).put("source", code.source()).put("entry", code.entry());
        }
        arguments.accept(req);
        boolean healthy = false;
        try {
            // The child says when the scorer starts running (after decoding the call and, on its first call in
            // that child, loading the source under the load budget): the call's time budget starts then.
            JsonNode resp = w.roundTrip(req, preparationNanos(), hardDeadlineNanos(settings.timeBudget()));
            if (resp == null) {
                return new Outcome(InProcessRuntime.error("TIMEOUT", LimitMessages.timeout(code.name(),
                        settings.timeBudget()) + " (its worker process did not answer and was killed)", null), true);
            }
            w.loaded.add(code.id());
            boolean overrun = resp.get("overrun").asBoolean();
            // The child stopped an overrunning call itself (interrupt): it goes on serving. It exits when the
            // call could not be stopped, and is replaced.
            healthy = !resp.path("exit").asBoolean();
            return new Outcome(Wire.decodeResult(resp.get("result")), overrun);
        } catch (IOException e) {
            return new Outcome(InProcessRuntime.error("WORKER_CRASHED", "the worker process running scorer '"
                    + code.name() + "' died (" + w.describeDeath() + ")", null), true);
        } finally {
            if (healthy) {
                release(w);
            } else {
                retire(w);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : all) {
            w.kill();
        }
        all.clear();
        idle.clear();
    }

    /** One child JVM. Used by one caller at a time (taken from, and returned to, the idle queue). */
    final class Worker {
        final Process process;
        final DataOutputStream out;
        final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
        final Set<Long> loaded = new HashSet<>();
        final Deque<String> lastErrors = new ArrayDeque<>();
        final String name;

        Worker(String name) throws IOException {
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
                ready = replies.poll(settings.loadBudget().plusSeconds(360).toSeconds(), TimeUnit.SECONDS);
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
}
