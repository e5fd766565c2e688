package dev.vigil.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.testkit.Conversations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of what session-level scoring needs from a store, with no store method of its own: the trace scan
 * with the filter {@code metadata.`mlflow.trace.session` = id} (as MLflow's docs fetch a session) returns exactly
 * that session's traces, {@code IS NOT NULL} finds the traces of every session, and scorer feedback re-written with
 * {@code valid = false} and {@code overrides} keeps both (the session history's superseded marks). Subclass it once
 * per backend.
 */
public abstract class SessionQueryConformanceSuite extends StoreSuiteBase {

    /** The suite's start time. */
    protected static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private String exp;

    /** Opens each test's store at {@link #T0}. */
    protected SessionQueryConformanceSuite() {
        super(T0);
    }

    @BeforeEach
    void createSessionsExperiment() {
        exp = store.experiments().getOrCreate("sessions").experimentId();
    }

    private List<Trace> scan(FilterExpr filter) {
        List<Trace> out = new ArrayList<>();
        String token = null;
        do {
            TracePage page = store.traces().scan(new TraceQuery(exp, null, null, filter), token, 2);
            out.addAll(page.traces());
            token = page.nextPageToken();
        } while (token != null);
        return out;
    }

    private Trace noSession(String id) {
        Trace t = Conversations.turn(exp, "none", id, T0, "q", "a");
        return new Trace(t.info().toBuilder().traceMetadata(java.util.Map.of()).build(), t.spans());
    }

    private static FilterExpr session(String id) {
        return new FilterExpr.Comparison(Field.metadata(Conversations.SESSION_KEY), Operator.EQ, List.of(id));
    }

    @Test
    void sessionFilter_returnsExactlyTheSessionsTracesInTimeOrder() {
        store.traces().put(Conversations.conversation(exp, "s-1", T0, Duration.ofMinutes(1),
                "Hi", "Hello!", "What is MLflow?", "An open-source platform.", "Thanks", "You're welcome."));
        store.traces().put(Conversations.conversation(exp, "s-10", T0.plusSeconds(30), Duration.ofMinutes(1),
                "Hello", "Hi!"));
        store.traces().put(List.of(Conversations.turn(exp, "s-1'x", "quote-t1", T0, "q", "a")));
        store.traces().put(List.of(noSession("lone-1")));

        assertThat(scan(session("s-1"))).extracting(Trace::traceId).containsExactly("s-1-t1", "s-1-t2", "s-1-t3");
        assertThat(scan(session("s-10"))).extracting(Trace::traceId).containsExactly("s-10-t1");
        assertThat(scan(session("s-1'x"))).extracting(Trace::traceId).containsExactly("quote-t1");
        assertThat(scan(session("s-2"))).isEmpty();
    }

    @Test
    void sessionIsNotNull_findsEveryTraceOfEverySessionAndNoOther() {
        store.traces().put(Conversations.conversation(exp, "a", T0, Duration.ofMinutes(1), "1", "2", "3", "4"));
        store.traces().put(Conversations.conversation(exp, "b", T0, Duration.ofMinutes(1), "5", "6"));
        store.traces().put(List.of(noSession("lone-1"), noSession("lone-2")));

        FilterExpr any = new FilterExpr.Comparison(Field.metadata(Conversations.SESSION_KEY), Operator.IS_NOT_NULL,
                List.of());
        assertThat(scan(any)).extracting(Trace::traceId)
                .containsExactlyInAnyOrder("a-t1", "a-t2", "b-t1");
    }

    @Test
    void feedbackRewrittenAsSuperseded_keepsValidFalseAndOverrides() {
        store.traces().put(Conversations.conversation(exp, "s", T0, Duration.ofMinutes(1), "q1", "a1", "q2", "a2"));
        Assessment v1 = store.assessments().upsertScorerFeedback(List.of(feedback("s-t1", null))).get(0);
        List<Assessment> written = store.assessments().upsertScorerFeedback(List.of(
                v1.toBuilder().valid(false).build(), feedback("s-t2", v1.assessmentId())));

        assertThat(written.get(0).assessmentId()).isEqualTo(v1.assessmentId());
        Assessment old = store.assessments().listByTrace("s-t1").get(0);
        Assessment latest = store.assessments().listByTrace("s-t2").get(0);
        assertThat(old.valid()).isFalse();
        assertThat(old.assessmentId()).isEqualTo(v1.assessmentId());
        assertThat(latest.valid()).isTrue();
        assertThat(latest.overrides()).isEqualTo(v1.assessmentId());
        assertThat(latest.metadata()).containsEntry(Conversations.SESSION_KEY, "s");
    }

    private static Assessment feedback(String traceId, String overrides) {
        return Assessment.builder().name("user_frustration").traceId(traceId)
                .source(AssessmentSource.llmJudge("openai:/gpt-4o-mini")).createTime(T0).lastUpdateTime(T0)
                .feedback("none").metadata(Assessment.METADATA_SCORER_NAME, "user_frustration")
                .metadata(Assessment.METADATA_SCORER_VERSION, "1").metadata(Conversations.SESSION_KEY, "s")
                .overrides(overrides).build();
    }
}
