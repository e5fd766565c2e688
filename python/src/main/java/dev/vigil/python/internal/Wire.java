package dev.vigil.python.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipe protocol between the engine and its Python worker processes: length-prefixed JSON messages, and the
 * typed encoding of scorer results (so a Python int stays a Long and a float a Double).
 */
final class Wire {
    /** Largest message accepted (a trace with big spans fits; a corrupt length does not allocate gigabytes). */
    static final int MAX_MESSAGE_BYTES = 256 << 20;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Wire() {}

    static void write(DataOutputStream out, JsonNode message) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(message);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** @return the next message, or null at the end of the stream */
    static JsonNode read(DataInputStream in) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (n < 0 || n > MAX_MESSAGE_BYTES) {
            throw new IOException("corrupt message length " + n + " on the worker pipe");
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            return null;
        }
        return Json.mapper().readTree(bytes);
    }

    static JsonNode encodeResult(Object r) {
        ObjectNode n = F.objectNode();
        if (r == null) {
            n.put("t", "n");
        } else if (r instanceof Boolean b) {
            n.put("t", "b").put("v", b);
        } else if (r instanceof Long l) {
            n.put("t", "l").put("v", l);
        } else if (r instanceof Double d) {
            n.put("t", "d").put("v", Double.toString(d));
        } else if (r instanceof String s) {
            n.put("t", "s").put("v", s);
        } else if (r instanceof Feedback f) {
            n.put("t", "f").set("v", feedback(f));
        } else if (r instanceof List<?> list) {
            ArrayNode a = n.put("t", "L").putArray("v");
            for (Object o : list) {
                a.add(feedback((Feedback) o));
            }
        } else {
            throw new IllegalArgumentException("not a scorer result: " + r.getClass().getName());
        }
        return n;
    }

    static Object decodeResult(JsonNode n) {
        String t = n.path("t").asText();
        return switch (t) {
            case "n" -> null;
            case "b" -> n.get("v").booleanValue();
            case "l" -> n.get("v").longValue();
            case "d" -> Double.parseDouble(n.get("v").textValue());
            case "s" -> n.get("v").textValue();
            case "f" -> feedback(n.get("v"));
            case "L" -> {
                List<Feedback> out = new ArrayList<>();
                n.get("v").forEach(x -> out.add(feedback(x)));
                yield List.copyOf(out);
            }
            default -> throw new IllegalArgumentException("unknown result tag '" + t + "' from a worker");
        };
    }

    private static ObjectNode feedback(Feedback f) {
        ObjectNode n = F.objectNode();
        n.put("name", f.name());
        n.set("value", Json.toNode(f.value()));
        if (f.error() != null) {
            n.putObject("error").put("code", f.error().code()).put("message", f.error().message())
                    .put("stack", f.error().stackTrace());
        }
        n.put("rationale", f.rationale());
        ObjectNode md = n.putObject("metadata");
        f.metadata().forEach(md::put);
        n.put("span_id", f.spanId());
        if (f.source() != null) {
            n.putObject("source").put("type", f.source().type().name()).put("id", f.source().sourceId());
        }
        return n;
    }

    private static Feedback feedback(JsonNode n) {
        JsonNode e = n.get("error");
        AssessmentError error = e == null || e.isNull() ? null
                : new AssessmentError(e.get("code").asText(), text(e.get("message")), text(e.get("stack")));
        Map<String, String> md = new LinkedHashMap<>();
        n.path("metadata").properties().forEach(x -> md.put(x.getKey(), x.getValue().asText()));
        JsonNode s = n.get("source");
        AssessmentSource source = s == null || s.isNull() ? null
                : new AssessmentSource(AssessmentSourceType.valueOf(s.get("type").asText()), text(s.get("id")));
        return new Feedback(text(n.get("name")), Json.fromNode(n.get("value")), error, text(n.get("rationale")), md,
                text(n.get("span_id")), source);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
