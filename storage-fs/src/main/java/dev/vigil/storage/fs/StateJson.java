package dev.vigil.storage.fs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON forms of the small state the store keeps in whole files: experiments, scorers, jobs, leases, cursors. */
final class StateJson {
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private StateJson() {}

    static byte[] bytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    static JsonNode parse(byte[] payload, Path file) {
        try {
            return Json.mapper().readTree(payload);
        } catch (IOException e) {
            throw new StoreException("state file " + file + " holds no valid JSON although its checksum "
                    + "matches: " + e.getMessage(), e);
        }
    }

    static ObjectNode experiment(Experiment e) {
        ObjectNode n = F.objectNode();
        n.put("experiment_id", e.experimentId());
        n.put("name", e.name());
        n.put("created_at", e.createdAt().toString());
        return n;
    }

    static Experiment experiment(JsonNode n) {
        return new Experiment(n.get("experiment_id").asText(), n.get("name").asText(),
                Instant.parse(n.get("created_at").asText()));
    }

    static ObjectNode scorer(ScorerVersion v) {
        ObjectNode n = F.objectNode();
        n.put("experiment_id", v.experimentId());
        n.put("name", v.name());
        n.put("version", v.version());
        ObjectNode def = n.putObject("definition");
        def.put("kind", v.definition().kind());
        def.set("config", Json.toNode(v.definition().config()));
        ObjectNode s = n.putObject("sampling");
        s.put("sample_rate", v.sampling().sampleRate());
        s.put("filter_string", v.sampling().filterString());
        n.put("revision", v.revision());
        n.put("created_at", v.createdAt().toString());
        n.put("updated_at", v.updatedAt().toString());
        return n;
    }

    @SuppressWarnings("unchecked")
    static ScorerVersion scorer(JsonNode n) {
        JsonNode def = n.get("definition");
        JsonNode s = n.get("sampling");
        JsonNode filter = s.get("filter_string");
        return new ScorerVersion(n.get("experiment_id").asText(), n.get("name").asText(), n.get("version").asInt(),
                new ScorerDefinition(def.get("kind").asText(), (Map<String, Object>) Json.fromNode(def.get("config"))),
                new SamplingConfig(s.get("sample_rate").asDouble(), filter == null || filter.isNull() ? null
                        : filter.asText()),
                n.get("revision").asLong(), Instant.parse(n.get("created_at").asText()),
                Instant.parse(n.get("updated_at").asText()));
    }

    static ObjectNode job(Job j) {
        ObjectNode n = F.objectNode();
        n.put("job_id", j.jobId());
        n.put("experiment_id", j.experimentId());
        n.put("type", j.type());
        n.set("spec", Json.toNode(j.spec()));
        n.put("status", j.status().name());
        ObjectNode p = n.putObject("progress");
        j.progress().forEach(p::put);
        n.put("checkpoint", j.checkpoint());
        n.put("message", j.message());
        n.put("revision", j.revision());
        n.put("created_at", j.createdAt().toString());
        n.put("updated_at", j.updatedAt().toString());
        return n;
    }

    @SuppressWarnings("unchecked")
    static Job job(JsonNode n) {
        Map<String, Long> progress = new LinkedHashMap<>();
        n.get("progress").properties().forEach(e -> progress.put(e.getKey(), e.getValue().asLong()));
        return new Job(n.get("job_id").asText(), n.get("experiment_id").asText(), n.get("type").asText(),
                (Map<String, Object>) Json.fromNode(n.get("spec")), JobStatus.valueOf(n.get("status").asText()),
                progress, text(n, "checkpoint"), text(n, "message"), n.get("revision").asLong(),
                Instant.parse(n.get("created_at").asText()), Instant.parse(n.get("updated_at").asText()));
    }

    static ObjectNode lease(Lease l) {
        ObjectNode n = F.objectNode();
        n.put("resource", l.resource());
        n.put("owner", l.owner());
        n.put("token", l.token());
        n.put("expires_at", l.expiresAt().toString());
        return n;
    }

    static Lease lease(JsonNode n) {
        return new Lease(n.get("resource").asText(), n.get("owner").asText(), n.get("token").asLong(),
                Instant.parse(n.get("expires_at").asText()));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static ArrayNode array() {
        return F.arrayNode();
    }
}
