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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Python scorers in a pool of child JVMs ({@link WorkerMain}), each with a heap cap and
 * {@code -XX:+ExitOnOutOfMemoryError}, talking over their stdin/stdout. A worker whose call overruns its budget
 * (or does not answer by the budget plus a grace), or that dies, is killed and replaced in the background; the
 * caller gets an error feedback. The children get the parent's module or class path and, when the parent runs
 * the optimizing Truffle runtime, the same JVMCI flags.
 *
 * <p>This class is the protocol's parent side (requests, replies, deadlines); {@link ProcessPool} starts, lends and
 * replaces the children, {@link WorkerProcess} is one child and its pipes, {@link WorkerCommand} its command line.
 */
public final class ProcessRuntime implements ScorerRuntime {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final SandboxSettings settings;
    private final ProcessPool pool;

    /** @param settings the sandbox settings */
    public ProcessRuntime(SandboxSettings settings) {
        this.settings = settings;
        this.pool = new ProcessPool(settings);
    }

    /** @return how many workers were replaced since start */
    public int restarts() {
        return pool.restarts();
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
        WorkerProcess w = pool.acquire();
        if (w == null) {
            throw new IllegalStateException("no Python worker process could be started"
                    + (pool.lastStartFailure() == null ? "" : ": " + pool.lastStartFailure()));
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
                pool.release(w);
            } else {
                pool.retire(w);
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
        if (pool.isClosed()) {
            return new Outcome(InProcessRuntime.error("SANDBOX_CLOSED", "the Python sandbox was closed", null), false);
        }
        WorkerProcess w = pool.acquire();
        if (w == null) {
            return new Outcome(InProcessRuntime.error("NO_WORKER", "no Python worker process was available"
                    + (pool.lastStartFailure() == null ? "" : ": " + pool.lastStartFailure()), null), false);
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
                pool.release(w);
            } else {
                pool.retire(w);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
