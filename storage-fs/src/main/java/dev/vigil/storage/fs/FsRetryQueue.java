package dev.vigil.storage.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.RetryQueueState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The retry queue in {@code state/retries.state}, rewritten atomically (temp file, fsync, rename) on every change
 * of a {@link RetryQueueState} kept in memory; the change is applied to a copy, persisted, then swapped in, so a
 * failed write changes nothing.
 */
final class FsRetryQueue implements RetryQueue {
    private final FileStore store;
    private RetryQueueState state = new RetryQueueState();

    FsRetryQueue(FileStore store) {
        this.store = store;
    }

    private Path file() {
        return store.stateDir().resolve("retries.state");
    }

    void load() {
        JsonNode arr = FsFiles.readStateJson(file());
        if (arr == null) {
            return;
        }
        RetryQueueState s = new RetryQueueState();
        for (JsonNode n : arr) {
            s.defer(List.of(new PendingRetry(n.get("experiment_id").asText(), n.get("trace_id").asText(),
                    n.get("scorer_name").asText(), n.get("scorer_version").asInt(), n.get("attempts").asInt(),
                    Instant.parse(n.get("first_failed_at").asText()), Instant.parse(n.get("next_attempt_at").asText()),
                    n.get("last_kind").asText().isEmpty() ? null : FailureKind.valueOf(n.get("last_kind").asText()), n.get("last_message").asText())));
        }
        state = s;
    }

    private <T> T change(Function<RetryQueueState, T> change) {
        return store.write(() -> {
            RetryQueueState next = state.copy();
            T result = change.apply(next);
            ArrayNode arr = StateJson.array();
            for (PendingRetry p : next.all()) {
                ObjectNode n = arr.addObject();
                n.put("experiment_id", p.experimentId());
                n.put("trace_id", p.traceId());
                n.put("scorer_name", p.scorerName());
                n.put("scorer_version", p.scorerVersion());
                n.put("attempts", p.attempts());
                n.put("first_failed_at", p.firstFailedAt().toString());
                n.put("next_attempt_at", p.nextAttemptAt().toString());
                n.put("last_kind", p.lastKind() == null ? "" : p.lastKind().name());
                n.put("last_message", p.lastMessage());
            }
            FsFiles.writeState(file(), StateJson.bytes(arr));
            state = next;
            return result;
        });
    }

    @Override
    public void defer(List<PendingRetry> pairs) {
        RetryQueueState.requireNoNull(pairs);
        if (!pairs.isEmpty()) {
            change(s -> {
                s.defer(pairs);
                return null;
            });
        }
    }

    @Override
    public List<PendingRetry> claim(Instant now, int limit, Duration holdFor) {
        RetryQueueState.requireClaimArgs(now, limit, holdFor);
        boolean anyDue = store.read(() -> !state.copy().claim(now, 1, holdFor).isEmpty());
        return anyDue ? change(s -> s.claim(now, limit, holdFor)) : List.of();
    }

    @Override
    public boolean remove(String traceId, String scorerName, int scorerVersion) {
        boolean present = store.read(() -> state.copy().remove(traceId, scorerName, scorerVersion));
        return present && change(s -> s.remove(traceId, scorerName, scorerVersion));
    }

    @Override
    public List<PendingRetry> list(String experimentId, String scorerName, int scorerVersion, int limit) {
        return store.read(() -> state.list(experimentId, scorerName, scorerVersion, limit));
    }

    @Override
    public long count(String experimentId, String scorerName, int scorerVersion) {
        return store.read(() -> state.count(experimentId, scorerName, scorerVersion));
    }

    @Override
    public int makeDue(String experimentId, String scorerName, int scorerVersion, Instant at) {
        return change(s -> s.makeDue(experimentId, scorerName, scorerVersion, at));
    }
}
