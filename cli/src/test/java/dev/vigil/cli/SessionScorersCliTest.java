package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.Vigil;
import dev.vigil.core.registry.ScorerLevel;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.session.Session;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Conversations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session scorers from the command line: registering conversation judges, their level, the loop's options, backfill. */
class SessionScorersCliTest {
    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private String row(String list, String name) {
        return list.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
    }

    @Test
    void conversationJudges_registerAsSessionScorers_andListShowsTheLevel() {
        for (String kind : List.of("user-frustration", "conversation-completeness", "conversational-safety",
                "knowledge-retention", "conversational-tool-efficiency", "conversational-role-adherence")) {
            Cli.Result r = cli.run("scorers", "register", kind.replace('-', '_'), "--judge", kind, "--model",
                    "openai:/gpt-4o-mini");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("(judge, session level)");
        }
        Cli.Result guided = cli.run("scorers", "register", "on_topic", "--judge", "conversational-guidelines",
                "--guidelines", "The assistant must stay on the topic of orders", "--model", "openai:/gpt-4o-mini");
        assertThat(guided.code()).as(guided.err()).isZero();
        assertThat(guided.out()).contains("(judge, session level)");
        Cli.Result safety = cli.run("scorers", "register", "safety", "--judge", "safety", "--model",
                "openai:/gpt-4o-mini");
        assertThat(safety.out()).doesNotContain("session level");

        String list = cli.run("scorers", "list").out();
        assertThat(list.lines().findFirst().orElseThrow()).contains("LEVEL");
        assertThat(row(list, "user_frustration")).contains(" session ");
        assertThat(row(list, "knowledge_retention")).contains(" session ");
        assertThat(row(list, "safety")).contains(" trace ");
        assertThat(cli.run("scorers", "get", "user_frustration").out()).contains("level:       session");

        String exp = store.experiments().findByName("default").orElseThrow().experimentId();
        assertThat(ScorerRegistry.of(store, exp).get("user_frustration").level()).isEqualTo(ScorerLevel.SESSION);
        assertThat(ScorerRegistry.of(store, exp).get("safety").level()).isEqualTo(ScorerLevel.TRACE);
    }

    @Test
    void sessionOptions_badValues_nameTheOption() {
        Cli.Result idle = cli.run("monitor", "--duration", "1s", "--session-idle", "soon");
        assertThat(idle.code()).isNotZero();
        assertThat(idle.err()).contains("--session-idle must be a length of time").contains("'soon'");

        Cli.Result every = cli.run("monitor", "--duration", "1s", "--session-every", "often");
        assertThat(every.code()).isNotZero();
        assertThat(every.err()).contains("--session-every must be a length of time").contains("'often'");

        Cli.Result serve = cli.run("serve", "--port", "0", "--duration", "1s", "--session-every", "x");
        assertThat(serve.code()).isNotZero();
        assertThat(serve.err()).contains("--session-every");
    }

    @Test
    void monitor_acceptsTheSessionOptions_andRunsTheSessionLoop() {
        assertThat(cli.run("scorers", "register", "turns", "--java", TurnsScorer.class.getName(), "--start").code())
                .isZero();
        Cli.Result r = cli.run("monitor", "--duration", "1s", "--status-every", "1s", "--session-idle", "30s",
                "--session-every", "2s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Stopped cleanly").contains("Session scorer turns scores each session once it"
                + " has been idle for 30s (looked for every 2s), and again when it resumes.");
    }

    @Test
    void backfill_withASessionJudge_scoresEverySessionInTheRangeOnce() {
        assertThat(cli.run("scorers", "register", "turns", "--java", TurnsScorer.class.getName()).code()).isZero();
        String exp = store.experiments().findByName("default").orElseThrow().experimentId();
        Instant t0 = Instant.now().minus(Duration.ofHours(2));
        store.traces().put(Conversations.conversation(exp, "c1", t0, Duration.ofMinutes(1), "Hi", "Hello", "Bye",
                "Bye!"));
        store.traces().put(Conversations.conversation(exp, "c2", t0, Duration.ofMinutes(1), "Yo", "Hey"));

        Cli.Result first = cli.run("backfill", "--scorer", "turns:1.0", "--from", "3h");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("2 session(s), 2 scored, 0 already scored");
        Cli.Result again = cli.run("backfill", "--scorer", "turns:1.0", "--from", "3h");
        assertThat(again.out()).contains("2 session(s), 0 scored, 2 already scored");

        List<Assessment> all = new ArrayList<>();
        for (String id : List.of("c1-t1", "c1-t2", "c2-t1")) {
            all.addAll(store.assessments().listByTrace(id));
        }
        assertThat(all).extracting(a -> a.metadata().get(Session.METADATA_KEY) + "=" + a.feedback().value())
                .containsExactlyInAnyOrder("c1=2", "c2=1");
    }

    /** A session scorer class the java codec rebuilds: the number of turns. */
    public static final class TurnsScorer implements dev.vigil.spi.scorer.Scorer,
            dev.vigil.spi.session.SessionScorer {
        /** For the codec. */
        public TurnsScorer() {}

        @Override
        public String name() {
            return "turns";
        }

        @Override
        public dev.vigil.spi.scorer.ScorerDefinition definition() {
            return new dev.vigil.spi.scorer.ScorerDefinition("java",
                    java.util.Map.of("class", TurnsScorer.class.getName()));
        }

        @Override
        public dev.vigil.spi.model.AssessmentSource source() {
            return dev.vigil.spi.model.AssessmentSource.code(name());
        }

        @Override
        public Object score(dev.vigil.spi.scorer.ScorerInput input) {
            return 0;
        }

        @Override
        public Object scoreSession(Session session) {
            return session.turns();
        }
    }

    static {
        Vigil.class.getName(); // the CLI's core on the path
    }
}
