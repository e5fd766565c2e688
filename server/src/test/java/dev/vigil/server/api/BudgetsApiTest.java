package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.TraceGenerator;
import java.util.ArrayList;
import dev.vigil.core.Vigil;
import dev.vigil.core.monitor.ConfidenceMode;
import dev.vigil.core.monitor.Direction;
import dev.vigil.core.monitor.MonitorDefinition;
import dev.vigil.core.monitor.MonitorMetric;
import dev.vigil.core.monitor.MonitorService;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.MonitorTransition;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Budgets and monitors over the REST API: the CLI's checks and messages, no secret in any answer. */
@Timeout(300)
class BudgetsApiTest {

    private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/SLACKSECRET";

    private Vigil vigil;
    private VigilServer server;
    private Http http;
    private ExperimentHandle app;

    @BeforeEach
    void start() {
        vigil = Vigil.builder().store("memory:").build();
        app = vigil.experiment("shop");
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        http = new Http(server.url() + "/api/v1");
    }

    @AfterEach
    void close() {
        server.close();
        vigil.close();
    }

    private Http.Reply put(String path, Object body) throws IOException {
        return http.call("PUT", path, "application/json", Json.write(body));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Http.Reply r) {
        return (Map<String, Object>) r.json().get("error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void budgets_areSetListedReadAndDeleted_withThisPeriodsUse_andNoSecretShown() throws Exception {
        Http.Reply created = put("/experiments/shop/budgets/daily-usd", Map.of("usd", 5, "action", "alert",
                "notify", List.of(Map.of("type", "slack", "settings", Map.of("url", SLACK_URL)))));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json()).containsEntry("name", "daily-usd").containsEntry("maxUsd", 5.0)
                .containsEntry("period", "day").containsEntry("action", "alert")
                .containsEntry("notifies", List.of("slack"));
        assertThat(created.text()).doesNotContain("SLACKSECRET").doesNotContain("hooks.slack.com");
        Budget stored = vigil.store().budgets().get(app.id(), "daily-usd").orElseThrow();
        assertThat(stored.destinations()).containsExactly(new NotifierConfig("slack", Map.of("url", SLACK_URL)));

        Http.Reply replaced = put("/experiments/shop/budgets/daily-usd", Map.of("usd", 7.5, "tokens", 100000,
                "scorer", "safety", "period", "week"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json()).containsEntry("maxTokens", 100000L).containsEntry("scorer", "safety")
                .containsEntry("period", "week").containsEntry("action", "stop");

        Budget b = vigil.store().budgets().get(app.id(), "daily-usd").orElseThrow();
        Instant period = BudgetPeriod.WEEK.start(Instant.now());
        vigil.store().budgets().settle(b, period, 0, 0, 40_000, 3_000_000_000L, 12);
        Http.Reply list = http.get("/experiments/shop/budgets");
        assertThat(list.status()).isEqualTo(200);
        Map<String, Object> one = RestApiTest.list(list.json().get("budgets")).get(0);
        Map<String, Object> use = (Map<String, Object>) one.get("usage");
        assertThat(use).containsEntry("spentUsd", 3.0).containsEntry("spentTokens", 40000L)
                .containsEntry("calls", 12L).containsEntry("usedShare", 0.4)
                .containsEntry("periodStart", period.toString())
                .containsEntry("resetsAt", BudgetPeriod.WEEK.next(Instant.now()).toString());
        assertThat(http.get("/experiments/shop/budgets/daily-usd").json()).containsEntry("name", "daily-usd");

        Http.Reply missing = http.get("/experiments/shop/budgets/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(error(missing).get("message").toString()).contains("no budget 'nope'", "daily-usd");

        assertThat(http.delete("/experiments/shop/budgets/daily-usd").status()).isEqualTo(200);
        assertThat(http.get("/experiments/shop/budgets/daily-usd").status()).isEqualTo(404);
        assertThat(http.delete("/experiments/shop/budgets/daily-usd").status()).isEqualTo(404);
        assertThat(list(http.get("/experiments/shop/budgets"))).isEmpty();
    }

    private static List<Map<String, Object>> list(Http.Reply r) {
        return RestApiTest.list(r.json().get("budgets"));
    }

    @Test
    void badBudgets_get400WithTheCliMessages_andNothingIsStored() throws Exception {
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("period", "day"))))
                .isEqualTo("budget 'b' needs a limit: usd AMOUNT, tokens N or both");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("usd", 1, "period", "year"))))
                .isEqualTo("period 'year' is not one of [day, week, month]");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("usd", 1, "action", "pause"))))
                .isEqualTo("action 'pause' is not one of [alert, stop]");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("usd", -2))))
                .contains("the USD limit must be a number from 0 (none) to 1e9, got -2.0");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("tokens", 1.5))))
                .isEqualTo("tokens must be a whole number, got 1.5");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("usd", 1, "limit", 3))))
                .startsWith("unknown budget field 'limit'");
        assertThat(message(put("/experiments/shop/budgets/b", Map.of("usd", 1, "notify",
                List.of(Map.of("type", "pager", "settings", Map.of()))))))
                .startsWith("unknown notifier type 'pager'; available: [").contains("slack", "webhook", "log");
        Http.Reply shortKey = put("/experiments/shop/budgets/b", Map.of("usd", 1, "notify", List.of(Map.of(
                "type", "webhook", "settings", Map.of("url", "https://example.com/hook", "secret", "tiny-key")))));
        assertThat(message(shortKey)).contains("at least 16 characters").doesNotContain("tiny-key");
        assertThat(vigil.store().budgets().list(app.id())).isEmpty();

        Http.Reply noExperiment = put("/experiments/nope/budgets/b", Map.of("usd", 1));
        assertThat(noExperiment.status()).isEqualTo(404);
    }

    private static String message(Http.Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(error(r)).containsEntry("code", "INVALID_PARAMETER_VALUE");
        return error(r).get("message").toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void backfillEstimate_countsCallsTokensAndCost_againstTheBudget() throws Exception {
        List<Trace> traces = new TraceGenerator(5, app.id(), Instant.now().minus(Duration.ofHours(2)),
                Duration.ofSeconds(30)).traces(100);
        app.log(traces);
        app.scorers().register(Scorers.code("concise", in -> Feedback.of(true))).start(SamplingConfig.of(1.0));
        List<Assessment> past = new ArrayList<>();
        for (Trace t : traces.subList(0, 20)) {
            past.add(Assessment.builder().name("concise").traceId(t.traceId()).source(AssessmentSource.code("concise"))
                    .createTime(t.info().requestTime()).value(FeedbackValue.of(true))
                    .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "concise", Assessment.METADATA_SCORER_VERSION,
                            "1", FeedbackAssessment.METADATA_SAMPLE_RATE, "1.0", JudgeUsage.INPUT_TOKENS, "80",
                            JudgeUsage.OUTPUT_TOKENS, "20", JudgeUsage.COST_USD, "0.002"))
                    .build());
        }
        vigil.store().assessments().upsertScorerFeedback(past);
        assertThat(put("/experiments/shop/budgets/concise-daily", Map.of("scorer", "concise", "usd", 0.05))
                .status()).isEqualTo(201);
        long calls = traces.stream().filter(t -> t.info().state().isComplete()).count() - 20;

        Http.Reply r = http.get("/experiments/shop/scorers/concise/backfill-estimate?from="
                + Instant.now().minus(Duration.ofHours(3)));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json()).containsEntry("traces", 100L).containsEntry("calls", calls)
                .containsEntry("basedOnCalls", 20L).containsEntry("tokens", calls * 100)
                .containsEntry("meanTokens", 100.0);
        assertThat((Double) r.json().get("usd")).isCloseTo(calls * 0.002, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RestApiTest.list(r.json().get("budgets"))).singleElement()
                .satisfies(b -> assertThat(b).containsEntry("name", "concise-daily").containsEntry("fits", false));
        assertThat(vigil.store().jobs().list(app.id())).as("nothing started").isEmpty();

        assertThat(message(http.get("/experiments/shop/scorers/concise/backfill-estimate")))
                .startsWith("from is required");
        assertThat(message(http.get("/experiments/shop/scorers/concise/backfill-estimate?from=1h&sampleRate=2")))
                .contains("from must be an ISO-8601 instant");
        assertThat(http.get("/experiments/shop/scorers/nope/backfill-estimate?from=0").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void monitors_areListedWithTheirState_andOneWithItsHistory() throws Exception {
        NotificationDispatcher notifiers = NotificationDispatcher.loaded(new NotifierContext(Clock.systemUTC(),
                d -> { }, Optional.empty(), d -> { }));
        MonitorService monitors = new MonitorService(vigil.store(), Clock.systemUTC(), notifiers, 1.0);
        monitors.create(app.id(), "safety-pass-rate", new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE,
                null, Duration.ofHours(1), Duration.ofMinutes(1), Direction.BELOW, 0.95, 0.9, 30,
                ConfidenceMode.INTERVAL, Duration.ZERO, 0.01,
                List.of(new NotifierConfig("slack", Map.of("url", SLACK_URL)))));

        Http.Reply before = http.get("/experiments/shop/monitors");
        assertThat(before.status()).isEqualTo(200);
        Map<String, Object> m = RestApiTest.list(before.json().get("monitors")).get(0);
        assertThat(m).containsEntry("name", "safety-pass-rate").containsEntry("state", "NO_DATA")
                .containsEntry("metric", "pass_rate").containsEntry("scorer", "safety")
                .containsEntry("critical", 0.9).containsEntry("confidence", "interval")
                .containsEntry("notifies", List.of("slack"));
        assertThat(before.text()).doesNotContain("SLACKSECRET");

        Instant at = Instant.parse("2026-03-02T10:00:00Z");
        vigil.store().monitors().appendTransition(new MonitorTransition("t-1", app.id(), "safety-pass-rate", 1, at,
                "NO_DATA", "CRITICAL", 0.8, 0.76, 0.84, 410, at.minus(Duration.ofHours(1)), at,
                List.of("tr-1", "tr-2")));
        Map<String, Object> after = RestApiTest.list(http.get("/experiments/shop/monitors").json()
                .get("monitors")).get(0);
        assertThat(after).containsEntry("state", "CRITICAL").containsEntry("since", at.toString());
        assertThat((Map<String, Object>) after.get("last")).containsEntry("value", 0.8).containsEntry("low", 0.76)
                .containsEntry("sampleSize", 410L).containsEntry("traceIds", List.of("tr-1", "tr-2"));

        Http.Reply one = http.get("/experiments/shop/monitors/safety-pass-rate?history=5");
        assertThat(one.status()).isEqualTo(200);
        assertThat(RestApiTest.list(one.json().get("history"))).singleElement()
                .satisfies(t -> assertThat(t).containsEntry("from", "NO_DATA").containsEntry("to", "CRITICAL"));
        Http.Reply missing = http.get("/experiments/shop/monitors/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(error(missing).get("message").toString()).contains("no monitor 'nope'", "safety-pass-rate");
    }
}
