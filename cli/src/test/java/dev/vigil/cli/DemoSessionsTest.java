package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TraceQuery;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's session-level judge part, on the keyword stand-in model (no VIGIL_JUDGE_MODEL in tests). */
class DemoSessionsTest {

    @Test
    void demoChats_areJudgedPerSession_andTheResumedOneKeepsItsHistory() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC);
        StringWriter text = new StringWriter();
        try (Store s = Stores.open("memory:", StoreOptions.withClock(clock));
                dev.vigil.core.Vigil vigil = dev.vigil.core.Vigil.builder().store(s).clock(clock).build()) {
            DemoSessions.show(new PrintWriter(text, true), vigil, "vigil-demo-chats", clock, 42);

            String out = text.toString();
            assertThat(out).contains("Session-level judge 'user_frustration' (demo:/keyword-frustration) on 4"
                    + " multi-turn chats (experiment 'vigil-demo-chats') idle for over 5 minutes (4 scored, 0 deferred)");
            assertThat(out).containsPattern("(?m)^support-[0-9a-f]{8} +4 +unresolved +The user is frustrated from"
                    + " turn 2");
            assertThat(out).containsPattern("(?m)^support-[0-9a-f]{8} +3 +none ");
            assertThat(out).containsPattern("resumed \\(now 3 turns\\) and was scored again: resolved; history by"
                    + " session version: \\[v2=unresolved \\(superseded\\), v3=resolved\\]");

            String exp = s.experiments().findByName("vigil-demo-chats").orElseThrow().experimentId();
            List<Trace> traces = s.traces().scan(TraceQuery.all(exp), null, 100).traces();
            assertThat(traces).hasSize(12);
            List<Assessment> judged = new ArrayList<>();
            traces.forEach(t -> judged.addAll(s.assessments().listByTrace(t.traceId())));
            assertThat(judged).hasSize(5).allSatisfy(a -> assertThat(a.name()).isEqualTo("user_frustration"));
            assertThat(judged).filteredOn(Assessment::valid).hasSize(4);
            // scored by the session loop from the registry, where the judge is a started session scorer
            assertThat(vigil.experiment("vigil-demo-chats").scorers().get("user_frustration").level())
                    .isEqualTo(dev.vigil.core.registry.ScorerLevel.SESSION);
            assertThat(vigil.sessions().runOnce(exp)).hasValueSatisfying(p -> assertThat(p.upToDate()).isEqualTo(4));
        }
    }
}
