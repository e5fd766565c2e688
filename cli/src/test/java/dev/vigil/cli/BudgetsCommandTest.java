package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BudgetsCommandTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void setListReplaceDelete_andClearErrors() {
        Cli.Result set = cli.run("budgets", "set", "safety-daily", "--scorer", "safety", "--usd", "5");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("Budget 'safety-daily' set: $5.00 per day for scorer 'safety', action stop.\n");
        Cli.Result monthly = cli.run("budgets", "set", "judges", "--tokens", "2000000", "--period", "month",
                "--action", "alert");
        assertThat(monthly.out()).contains("2,000,000 tokens per month for every judge scorer, action alert");

        String exp = store.experiments().findByName("default").orElseThrow().experimentId();
        assertThat(store.budgets().get(exp, "safety-daily").orElseThrow())
                .extracting(Budget::scorerName, Budget::maxUsd, Budget::period, Budget::action)
                .containsExactly("safety", 5.0, BudgetPeriod.DAY, BudgetAction.STOP);

        Cli.Result list = cli.run("budgets", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME", "SPENT", "safety-daily", "safety", "$5.00", "stop", "$0.0000", "0 %",
                "judges", "*", "month", "alert");

        assertThat(cli.run("budgets", "set", "safety-daily", "--scorer", "safety", "--usd", "8").code()).isZero();
        assertThat(store.budgets().get(exp, "safety-daily").orElseThrow().maxUsd()).isEqualTo(8.0);

        Cli.Result noLimit = cli.run("budgets", "set", "x");
        assertThat(noLimit.code()).isNotZero();
        assertThat(noLimit.err()).contains("needs a limit", "--usd", "--tokens");
        Cli.Result badPeriod = cli.run("budgets", "set", "x", "--usd", "1", "--period", "fortnight");
        assertThat(badPeriod.err()).contains("'fortnight'", "day", "week", "month");
        Cli.Result negative = cli.run("budgets", "set", "x", "--usd", "-1");
        assertThat(negative.code()).isNotZero();
        assertThat(negative.err()).contains("USD limit");

        assertThat(cli.run("budgets", "delete", "judges").out()).contains("Budget 'judges' deleted.");
        assertThat(cli.run("budgets", "delete", "judges").err()).contains("no budget 'judges'");
        assertThat(store.budgets().list(exp)).extracting(Budget::name).containsExactly("safety-daily");
    }

    @Test
    void alertDestinations_areStoredWithTheBudget_checkedFirst_andNeverPrinted() {
        String url = "https://hooks.slack.com/services/T000/B000/CLISECRET";
        Cli.Result set = cli.run("budgets", "set", "daily-usd", "--usd", "5", "--action", "alert", "--slack", url,
                "--log");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("Budget 'daily-usd' set: $5.00 per day for every judge scorer, action "
                + "alert, alerts to slack, log.\n");
        String exp = store.experiments().findByName("default").orElseThrow().experimentId();
        assertThat(store.budgets().get(exp, "daily-usd").orElseThrow().destinations())
                .extracting(dev.vigil.spi.notify.NotifierConfig::type).containsExactly("slack", "log");
        assertThat(store.budgets().get(exp, "daily-usd").orElseThrow().destinations().get(0).settings())
                .containsEntry("url", url);

        Cli.Result badUrl = cli.run("budgets", "set", "other", "--usd", "1", "--webhook", "ftp://CLISECRET-host/x");
        assertThat(badUrl.code()).isNotZero();
        assertThat(badUrl.err()).contains("url").doesNotContain("CLISECRET");
        Cli.Result shortKey = cli.run("budgets", "set", "other", "--usd", "1", "--webhook", "https://example.com/h",
                "--webhook-secret", "tiny");
        assertThat(shortKey.err()).contains("16").doesNotContain("tiny");
        assertThat(store.budgets().get(exp, "other")).isEmpty();
        assertThat(cli.run("budgets", "list").out()).doesNotContain("CLISECRET");
    }

    @Test
    void backfillDryRun_estimatesCallsTokensAndCost_againstTheBudget_andStartsNothing() {
        Experiment e = store.experiments().getOrCreate("default");
        List<Trace> traces = new TraceGenerator(5, e.experimentId(), Instant.now().minus(Duration.ofHours(2)),
                Duration.ofSeconds(30)).traces(100);
        store.traces().put(traces);
        assertThat(cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise")
                .code()).isZero();
        assertThat(cli.run("scorers", "start", "concise", "--sample-rate", "1").code()).isZero();
        // 20 traces already scored, each call having used 100 tokens and $0.002
        List<Assessment> past = new ArrayList<>();
        for (Trace t : traces.subList(0, 20)) {
            past.add(Assessment.builder().name("concise").traceId(t.traceId()).source(AssessmentSource.code("concise"))
                    .createTime(t.info().requestTime()).value(FeedbackValue.of(true))
                    .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "concise", Assessment.METADATA_SCORER_VERSION,
                            "1", FeedbackAssessment.METADATA_SAMPLE_RATE, "1.0", JudgeUsage.INPUT_TOKENS, "80",
                            JudgeUsage.OUTPUT_TOKENS, "20", JudgeUsage.COST_USD, "0.002"))
                    .build());
        }
        store.assessments().upsertScorerFeedback(past);
        long complete = traces.stream().filter(t -> t.info().state().isComplete()).count();
        long calls = complete - 20;
        assertThat(cli.run("budgets", "set", "concise-daily", "--scorer", "concise", "--usd", "0.05").code()).isZero();

        Cli.Result dry = cli.run("backfill", "--scorer", "concise", "--from", "3h", "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Dry run: nothing is started",
                "concise at rate 1.0: 100 traces in range, " + calls + " calls",
                String.format(java.util.Locale.ROOT, "estimated %,d tokens, $%.4f", calls * 100, calls * 0.002),
                "mean 100 tokens, $0.002000 per call over 20 past calls",
                "budget 'concise-daily'", "the estimate does NOT fit", "BUDGET_EXCEEDED");
        assertThat(store.jobs().list(e.experimentId())).as("no backfill job started").isEmpty();
    }
}
