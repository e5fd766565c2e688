package dev.vigil.core.backfill;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a backfill job resumes, saved in its job's checkpoint after every page: the scan's page token, whether the
 * scan has ended, and the pairs the job deferred after a transient failure and still owns (it retries them itself,
 * whether or not their scorer version is active; see {@link BackfillRun}). Stored as a JSON object; a checkpoint
 * written before deferred pairs were kept here is a bare page token and reads as one.
 *
 * @param pageToken the next page's token, or null (first page, or the scan has ended)
 * @param scanDone true once the last page was scored
 * @param deferred the job's pairs waiting for a later attempt, in no particular order
 */
record BackfillCheckpoint(String pageToken, boolean scanDone, List<PendingRetry> deferred) {

    /** The most characters of a failure message kept per deferred pair. */
    static final int MESSAGE_CHARS = 300;
    private static final String MARKER = "backfill";

    /** Freezes. */
    BackfillCheckpoint {
        deferred = List.copyOf(deferred);
    }

    /** A job's checkpoint before its first page. */
    static final BackfillCheckpoint START = new BackfillCheckpoint(null, false, List.of());

    /**
     * @param stored a job's stored checkpoint, or null
     * @param experimentId the job's experiment (the deferred pairs' experiment)
     * @return the checkpoint
     */
    @SuppressWarnings("unchecked")
    static BackfillCheckpoint decode(String stored, String experimentId) {
        if (stored == null) {
            return START;
        }
        if (!stored.startsWith("{")) {
            return new BackfillCheckpoint(stored, false, List.of()); // a bare page token
        }
        Map<String, Object> m = (Map<String, Object>) Json.parse(stored);
        if (!(m.get(MARKER) instanceof Number)) {
            return new BackfillCheckpoint(stored, false, List.of());
        }
        List<PendingRetry> deferred = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("deferred", List.of())) {
            Map<String, Object> d = (Map<String, Object>) o;
            Object kind = d.get("kind");
            deferred.add(new PendingRetry(experimentId, (String) d.get("trace"), (String) d.get("scorer"),
                    ((Number) d.get("version")).intValue(), ((Number) d.get("attempts")).intValue(),
                    Instant.ofEpochMilli(((Number) d.get("first")).longValue()),
                    Instant.ofEpochMilli(((Number) d.get("due")).longValue()),
                    kind == null ? null : FailureKind.valueOf((String) kind), (String) d.get("message")));
        }
        return new BackfillCheckpoint((String) m.get("page"), Boolean.TRUE.equals(m.get("scanDone")), deferred);
    }

    /** @return the text saved in the job */
    String encode() {
        if (!scanDone && deferred.isEmpty()) {
            return pageToken; // the shape older versions read
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MARKER, 1);
        m.put("page", pageToken);
        m.put("scanDone", scanDone);
        List<Map<String, Object>> list = new ArrayList<>(deferred.size());
        for (PendingRetry p : deferred) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("trace", p.traceId());
            d.put("scorer", p.scorerName());
            d.put("version", p.scorerVersion());
            d.put("attempts", p.attempts());
            d.put("first", p.firstFailedAt().toEpochMilli());
            d.put("due", p.nextAttemptAt().toEpochMilli());
            d.put("kind", p.lastKind() == null ? null : p.lastKind().name());
            String msg = p.lastMessage();
            d.put("message", msg.length() > MESSAGE_CHARS ? msg.substring(0, MESSAGE_CHARS) + "…" : msg);
            list.add(d);
        }
        m.put("deferred", list);
        return Json.write(m);
    }
}
