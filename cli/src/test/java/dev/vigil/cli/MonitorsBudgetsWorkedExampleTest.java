package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "Monitors and budgets" worked example, command by command as written (the Slack URL given as a
 * literal loopback URL instead of {@code env:SLACK_HOOK}, which a test cannot set): a Slack monitor on the safety
 * judge's pass rate and a daily USD budget on its calls that alerts the same channel.
 */
class MonitorsBudgetsWorkedExampleTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);
    private final ScriptedHttpServer slack = ScriptedHttpServer.start();

    @AfterEach
    void close() {
        slack.close();
        store.close();
    }

    private Cli.Result ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r;
    }

    @Test
    void theWorkedExample_runsAsWritten() {
        slack.fallback(ScriptedReply.json(200, "ok"));
        String hook = slack.baseUri().resolve("/services/T000/B000/XXXX").toString();

        ok("scorers", "register", "safety", "--judge", "safety", "--model", "openai:/gpt-4o-mini", "--start",
                "--sample-rate", "0.1");
        Cli.Result monitor = ok("monitors", "create", "safety-pass-rate", "--scorer", "safety", "--metric",
                "pass_rate", "--window", "1h", "--every", "1m", "--warning", "0.95", "--critical", "0.90",
                "--min-samples", "50", "--late-data-delay", "5m", "--hysteresis", "0.02", "--slack", hook);
        assertThat(monitor.out()).contains("Created monitor 'safety-pass-rate' version 1", "notifies slack");
        Cli.Result budget = ok("budgets", "set", "safety-daily", "--scorer", "safety", "--usd", "5", "--period",
                "day", "--action", "stop", "--slack", hook);
        assertThat(budget.out()).isEqualTo("Budget 'safety-daily' set: $5.00 per day for scorer 'safety', action "
                + "stop, alerts to slack.\n");

        Cli.Result test = ok("monitors", "test", "safety-pass-rate");
        assertThat(test.out()).contains("delivered to 1 of 1 destination");
        String text = (String) ((Map<?, ?>) Json.parse(slack.lastRequest().body())).get("text");
        assertThat(text).startsWith("[TEST]").contains("*safety-pass-rate*");

        assertThat(ok("monitors", "list").out()).contains("safety-pass-rate", "NO_DATA");
        assertThat(ok("budgets", "list").out()).contains("safety-daily", "safety", "$5.00", "stop", "$0.0000");
        assertThat(ok("monitors", "history", "safety-pass-rate").out()).contains("no transitions yet");

        String exp = store.experiments().findByName("default").orElseThrow().experimentId();
        Budget b = store.budgets().get(exp, "safety-daily").orElseThrow();
        assertThat(b.destinations()).singleElement().satisfies(d -> assertThat(d.settings()).containsEntry("url", hook));
        for (String[] args : new String[][] {{"monitors", "list"}, {"budgets", "list"}, {"monitors", "get",
                "safety-pass-rate"}}) {
            assertThat(cli.run(args).out()).doesNotContain("XXXX");
        }
    }
}
