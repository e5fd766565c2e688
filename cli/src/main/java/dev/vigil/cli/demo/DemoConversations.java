package dev.vigil.cli.demo;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo's multi-turn support chats: sessions of two to four turns, one trace per turn, grouped by MLflow's
 * {@code mlflow.trace.session} metadata. Some users stay calm, some get frustrated and are helped in the end, some
 * leave frustrated. Root inputs are {@code {"query": ...}} and outputs {@code {"response": ...}}, as in
 * {@link DemoApp}; the tag {@code app} is {@code support}. Content is deterministic for a seed; ids are random.
 */
public final class DemoConversations {

    private static final String[][][] CHATS = {
        { // calm, answered
            {"How do I give a colleague access to my notebook?", "Open the notebook, click Share and add your colleague with Can Run or Can Edit."},
            {"Can they see my results too?", "Yes: people you share with see the saved results of each cell."},
            {"Great, thanks!", "You're welcome!"},
        },
        { // frustrated, then helped
            {"My cluster will not start.", "Clusters usually start in a few minutes. Please wait and try again."},
            {"I already waited twenty minutes, this is useless!", "Sorry about that. The event log shows the cloud has no capacity for that instance type; pick another type in the cluster settings."},
            {"That worked, it is running now. Thank you!", "Glad it works now!"},
        },
        { // frustrated, leaves
            {"Why was my job run cancelled?", "Job runs can be cancelled for several reasons."},
            {"Which reason? You did not answer my question.", "Please check the run page for details."},
            {"I already did, it says nothing. This is ridiculous.", "Please check the run page for details."},
            {"Forget it, I will open a ticket.", "Is there anything else I can help with?"},
        },
        { // calm, short
            {"What is a SQL warehouse?", "A SQL warehouse is a compute resource that runs SQL queries and dashboards."},
            {"Thanks, clear.", "Happy to help."},
        },
    };

    private final Random random;
    private final java.security.SecureRandom ids = new java.security.SecureRandom();
    private final String experimentId;

    /**
     * @param seed the content seed
     * @param experimentId the experiment the traces go to
     */
    public DemoConversations(long seed, String experimentId) {
        this.random = new Random(seed);
        this.experimentId = experimentId;
    }

    /** @return the number of conversation scripts; {@link #session} takes an index below it */
    public static int scripts() {
        return CHATS.length;
    }

    /**
     * A chat session, its turns one minute apart.
     *
     * @param script which script, 0 to {@link #scripts()} - 1
     * @param start the first turn's request time
     * @param turns how many turns of the script to play (at most its length)
     * @return the session's traces
     */
    public List<Trace> session(int script, Instant start, int turns) {
        String sessionId = "support-" + HexFormat.of().formatHex(randomBytes(4));
        return turns(sessionId, script, start, 0, turns);
    }

    /**
     * More turns of a session already played.
     *
     * @param sessionId the session id
     * @param script its script
     * @param start the request time of the first new turn
     * @param from the first turn of the script to play
     * @param to the turn after the last to play
     * @return the new turns' traces
     */
    public List<Trace> turns(String sessionId, int script, Instant start, int from, int to) {
        String[][] chat = CHATS[script];
        List<Trace> out = new ArrayList<>();
        for (int i = from; i < Math.min(to, chat.length); i++) {
            out.add(turn(sessionId, start.plus(Duration.ofMinutes(i - from)), chat[i][0], chat[i][1]));
        }
        return List.copyOf(out);
    }

    private Trace turn(String sessionId, Instant at, String question, String answer) {
        String traceId = "tr-" + HexFormat.of().formatHex(randomBytes(16));
        long start = at.toEpochMilli() * 1_000_000L;
        long durationMs = 400 + random.nextInt(900);
        Span root = Span.builder().traceId(traceId).spanId(HexFormat.of().formatHex(randomBytes(8)))
                .name("support_chat").spanType(SpanTypes.CHAT_MODEL).startTimeUnixNano(start)
                .endTimeUnixNano(start + durationMs * 1_000_000L).status(SpanStatus.OK)
                .inputs(Map.of("query", question)).outputs(Map.of("response", answer)).build();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(Session.METADATA_KEY, sessionId);
        metadata.put("mlflow.traceName", "support_chat");
        metadata.put("mlflow.trace_schema.version", "3");
        TraceInfo info = new TraceInfo(traceId, experimentId, at, durationMs, TraceState.OK, question, answer, null,
                metadata, Map.of(DemoApp.APP_TAG, "support"), List.of());
        return new Trace(info, List.of(root));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ids.nextBytes(b);
        return b;
    }
}
