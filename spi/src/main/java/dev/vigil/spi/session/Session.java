package dev.vigil.spi.session;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A conversation: the traces of one session, one trace per turn, in request order (then trace id).
 *
 * <p>Traces belong to a session by their {@value #METADATA_KEY} metadata value, as MLflow groups them
 * ({@code mlflow.update_current_trace(metadata={"mlflow.trace.session": id})}); a trace that carries the key only
 * as a tag (as some MLflow examples write it) is grouped the same way. Vigil's OTLP ingest maps OpenTelemetry's
 * {@code session.id} and {@code gen_ai.conversation.id} to that metadata key.
 *
 * @param sessionId the session id (non-blank)
 * @param traces the session's traces, at least one, all carrying that session id; sorted on construction
 */
public record Session(String sessionId, List<Trace> traces) {

    /** The trace metadata key holding the session id, as MLflow names it. */
    public static final String METADATA_KEY = "mlflow.trace.session";

    private static final Comparator<Trace> TURN_ORDER = Comparator
            .comparing((Trace t) -> t.info().requestTime())
            .thenComparing(Trace::traceId);

    /** Validates, sorts into turn order and freezes. */
    public Session {
        if (sessionId == null || sessionId.isBlank()) {
            throw new InvalidInputException("a session needs a non-blank session id");
        }
        if (traces == null || traces.isEmpty()) {
            throw new InvalidInputException("session " + sessionId + " has no traces; a session has at least one");
        }
        for (Trace t : traces) {
            String id = idOf(t).orElse(null);
            if (!sessionId.equals(id)) {
                throw new InvalidInputException("trace " + t.traceId() + " belongs to session " + id
                        + ", not to session " + sessionId);
            }
        }
        List<Trace> sorted = new ArrayList<>(traces);
        sorted.sort(TURN_ORDER);
        traces = List.copyOf(sorted);
    }

    /**
     * @param trace a trace
     * @return its session id: the {@value #METADATA_KEY} metadata value, else that tag's value; empty when neither
     *     is set or it is blank
     */
    public static Optional<String> idOf(Trace trace) {
        TraceInfo info = trace.info();
        String id = info.traceMetadata().get(METADATA_KEY);
        if (id == null || id.isBlank()) {
            id = info.tags().get(METADATA_KEY);
        }
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(id);
    }

    /**
     * Groups traces by session; traces without a session id are left out.
     *
     * @param traces traces in any order
     * @return the sessions, in order of their first trace's appearance in {@code traces}
     */
    public static List<Session> group(Collection<Trace> traces) {
        Map<String, List<Trace>> bySession = new LinkedHashMap<>();
        for (Trace t : traces) {
            idOf(t).ifPresent(id -> bySession.computeIfAbsent(id, k -> new ArrayList<>()).add(t));
        }
        List<Session> out = new ArrayList<>(bySession.size());
        bySession.forEach((id, ts) -> out.add(new Session(id, ts)));
        return List.copyOf(out);
    }

    /** @return the first turn's trace */
    public Trace firstTrace() {
        return traces.get(0);
    }

    /** @return the latest turn's trace */
    public Trace lastTrace() {
        return traces.get(traces.size() - 1);
    }

    /** @return the number of turns (traces) */
    public int turns() {
        return traces.size();
    }

    /**
     * The session's version: its number of turns. A session that resumes after it was scored has a higher
     * version, so its new assessment does not replace the history of the earlier ones.
     *
     * @return the version, 1 or more
     */
    public int version() {
        return traces.size();
    }

    /**
     * @return when the session was last active: the latest end of any of its traces (request time plus execution
     *     duration, or the request time when the duration is unknown)
     */
    public Instant lastActivity() {
        Instant last = Instant.EPOCH;
        for (Trace t : traces) {
            Long d = t.info().executionDurationMs();
            Instant end = t.info().requestTime().plusMillis(d == null ? 0 : d);
            if (end.isAfter(last)) {
                last = end;
            }
        }
        return last;
    }
}
