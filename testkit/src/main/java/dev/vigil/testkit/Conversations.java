package dev.vigil.testkit;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multi-turn conversations as MLflow traces them: one trace per turn, the session id in the trace metadata under
 * {@code mlflow.trace.session}, and the root span shaped as MLflow's multi-turn documentation traces its example
 * {@code my_chatbot(question, session_id)}: inputs {@code {"question", "session_id"}}, the answer string as output.
 */
public final class Conversations {
    /** The metadata key MLflow groups traces into sessions by. */
    public static final String SESSION_KEY = "mlflow.trace.session";

    private Conversations() {}

    /**
     * One turn.
     *
     * @param experimentId the experiment
     * @param sessionId the session id
     * @param traceId the trace id
     * @param at the request time
     * @param question the user's message
     * @param answer the assistant's reply
     * @return the turn's trace (OK, 1 second long)
     */
    public static Trace turn(String experimentId, String sessionId, String traceId, Instant at, String question,
            String answer) {
        long start = at.toEpochMilli() * 1_000_000L;
        Span root = Span.builder().traceId(traceId).spanId("00000000000000a1").name("my_chatbot")
                .spanType(SpanTypes.CHAIN).startTimeUnixNano(start).endTimeUnixNano(start + 1_000_000_000L)
                .status(SpanStatus.OK).inputs(Map.of("question", question, "session_id", sessionId))
                .outputs(answer).build();
        return new Trace(TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(at)
                .executionDurationMs(1000L).state(TraceState.OK).traceMetadata(SESSION_KEY, sessionId)
                .requestPreview(question).responsePreview(answer).build(), List.of(root));
    }

    /**
     * A whole conversation, one turn every {@code gap}.
     *
     * @param experimentId the experiment
     * @param sessionId the session id (trace ids are {@code <sessionId>-t<n>})
     * @param start the first turn's request time
     * @param gap the time between turns
     * @param exchanges user message, assistant reply, user message, assistant reply...
     * @return the turns' traces, in order
     */
    public static List<Trace> conversation(String experimentId, String sessionId, Instant start, Duration gap,
            String... exchanges) {
        if (exchanges.length % 2 != 0) {
            throw new IllegalArgumentException("exchanges come in (user, assistant) pairs, got " + exchanges.length);
        }
        List<Trace> out = new ArrayList<>();
        for (int i = 0; i < exchanges.length; i += 2) {
            int n = i / 2 + 1;
            out.add(turn(experimentId, sessionId, sessionId + "-t" + n, start.plus(gap.multipliedBy(n - 1)),
                    exchanges[i], exchanges[i + 1]));
        }
        return List.copyOf(out);
    }
}
