package dev.vigil.python.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.python.PythonSourceException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerInput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Python worker process of the {@code PROCESS} isolation level: the in-process runtime with one context,
 * serving one request at a time over stdin/stdout (see {@link Wire}). It halts when a call is stuck in code it
 * cannot interrupt; the engine replaces it.
 */
public final class WorkerMain {
    /** Sent while a call is under way, when the scorer starts running (its time budget starts then). */
    static final JsonNode RUNNING = JsonNodeFactory.instance.objectNode().put("running", true);
    private static final String WARM_UP = "import json\n\ndef warm_up(inputs, outputs):\n"
            + "    return len(json.dumps(outputs)) > 0 and isinstance(outputs, dict) and 'query' in inputs\n";

    private WorkerMain() {}

    /** Writes one message; the main thread and a scorer's worker thread (RUNNING) both write. */
    private static void send(DataOutputStream out, JsonNode message) throws java.io.IOException {
        synchronized (out) {
            Wire.write(out, message);
        }
    }

    /**
     * @param args time budget ms, load budget ms, allocation budget bytes, output limit bytes, optimizing
     *     (true/false), cancel grace ms
     * @throws Exception on a broken pipe
     */
    public static void main(String[] args) throws Exception {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        SandboxSettings settings = new SandboxSettings(Duration.ofMillis(Long.parseLong(args[0])),
                Duration.ofMillis(Long.parseLong(args[1])), Long.parseLong(args[2]), 1, Integer.parseInt(args[3]),
                Boolean.parseBoolean(args[4]), Integer.MAX_VALUE, 1, 256, Duration.ofMillis(Long.parseLong(args[5])));
        InProcessRuntime runtime = new InProcessRuntime(settings, true);
        java.util.concurrent.atomic.AtomicBoolean mustExit = new java.util.concurrent.atomic.AtomicBoolean();
        // Warm up before saying ready: the context is built, and a scorer loaded and called once (argument
        // conversion, result decoding), so no call is charged the interpreter's start.
        runtime.analyze("warm-up", WARM_UP, null);
        runtime.call(new ScorerCode(Long.MIN_VALUE, "warm-up", WARM_UP, "warm_up"), new ScorerInput(
                Map.of("query", "warm up"), Map.of("response", "ready", "sources", java.util.List.of("a")),
                Map.of(), null), reason -> { });
        JsonNodeFactory f = JsonNodeFactory.instance;
        send(out, f.objectNode().put("ready", true).put("optimizing", runtime.optimizing()));
        Map<Long, ScorerCode> codes = new HashMap<>();
        JsonNode req;
        while ((req = Wire.read(in)) != null) {
            String op = req.path("op").asText();
            ObjectNode resp = f.objectNode();
            if (op.equals("analyze")) {
                try {
                    Analysis a = runtime.analyze(req.get("name").asText(), req.get("source").asText(),
                            req.get("entry").isNull() ? null : req.get("entry").asText());
                    resp.put("ok", true).put("entry", a.entryPoint()).put("decorated", a.decoratedName());
                    resp.set("aggregations", Json.toNode(a.aggregations()));
                    resp.set("params", Json.toNode(a.parameters()));
                } catch (PythonSourceException e) {
                    resp.put("ok", false).put("message", e.getMessage()).put("line", e.line())
                            .put("column", e.column());
                }
            } else if (op.equals("call")) {
                long id = req.get("id").asLong();
                ScorerCode code = codes.get(id);
                if (code == null) {
                    code = new ScorerCode(id, req.get("name").asText(), req.get("source").asText(),
                            req.get("entry").asText());
                    codes.put(id, code);
                }
                // A thread stuck in an intrinsic: this process answers, then exits to be replaced. The parent
                // starts its own clock for the call's budget when told the scorer runs (context ready, source
                // loaded).
                java.util.function.Consumer<String> onWrittenOff = reason -> mustExit.set(true);
                Runnable onRunning = () -> {
                    try {
                        send(out, RUNNING);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                Outcome o;
                JsonNode session = req.get("session");
                if (session != null && !session.isNull()) {
                    List<Trace> turns = new ArrayList<>();
                    session.forEach(t -> turns.add(MlflowJson.readTrace(t)));
                    o = runtime.callSession(code, turns, onWrittenOff, onRunning);
                } else {
                    JsonNode t = req.get("trace");
                    Trace trace = t == null || t.isNull() ? null : MlflowJson.readTrace(t);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> expectations = (Map<String, Object>) Json.fromNode(req.get("expectations"));
                    ScorerInput input = new ScorerInput(Json.fromNode(req.get("inputs")),
                            Json.fromNode(req.get("outputs")), expectations, trace);
                    o = runtime.call(code, input, onWrittenOff, onRunning);
                }
                resp.set("result", Wire.encodeResult(o.result()));
                resp.put("overrun", o.overrun());
                resp.put("exit", mustExit.get());
            } else {
                resp.put("error", "unknown op '" + op + "'");
            }
            send(out, resp);
            if (mustExit.get()) {
                System.err.println("vigil python worker: a call is stuck in code that cannot be interrupted; exiting");
                Runtime.getRuntime().halt(3);
            }
        }
        runtime.close();
        Runtime.getRuntime().halt(0);
    }
}
