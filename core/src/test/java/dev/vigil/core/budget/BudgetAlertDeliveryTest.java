package dev.vigil.core.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.engine.ProviderLimit;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.core.notify.AlertOutbox;
import dev.vigil.core.notify.LogNotifier;
import dev.vigil.core.notify.SlackNotifier;
import dev.vigil.core.notify.WebhookNotifier;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerInput;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetPeriod;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Budget alerts go out through the notifiers to a real HTTP receiver on loopback: once per threshold and period,
 * not again after a restart (a new engine on the same store), signed, with a stable id across retries.
 */
@Timeout(600)
class BudgetAlertDeliveryTest {

    private static final String SECRET = "budget-alerts-hmac-key-0123";
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private MutableClock clock;
    private Store store;
    private ScriptedHttpServer receiver;
    private Vigil vigil;
    private ExperimentHandle exp;
    private final List<NotifierContext.DeadLetter> dead = new CopyOnWriteArrayList<>();
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        store = Stores.open("memory:", StoreOptions.withClock(clock));
        receiver = ScriptedHttpServer.start();
        receiver.fallback(ScriptedReply.json(200, "{}"));
        vigil = engine();
        exp = vigil.experiment("budgets");
    }

    @AfterEach
    void tearDown() {
        vigil.close();
        store.close();
        receiver.close();
    }

    /**
     * An engine on the shared store whose budget alerts go through the store's outbox to the receiver, sent at
     * once on the settling thread.
     */
    private Vigil engine() {
        AlertOutbox outbox = outbox();
        return builder().alertOutbox(outbox).budgetAlerts(new BudgetNotifications(outbox, Runnable::run)).build();
    }

    private Vigil.Builder builder() {
        return Vigil.builder().store(store).clock(clock).pollInterval(Duration.ofMillis(20))
                .providerLimit("fakeai", new ProviderLimit(1, 1000.0));
    }

    private AlertOutbox outbox() {
        NotifierContext ctx = new NotifierContext(clock, slept::add, Optional.of("https://vigil.example"), dead::add);
        NotificationDispatcher dispatcher = new NotificationDispatcher(
                List.of(new WebhookNotifier(), new SlackNotifier(), new LogNotifier()), ctx);
        return new AlertOutbox(store, dispatcher, clock, AlertOutbox.DEFAULT_LEASE);
    }

    private NotifierConfig webhook() {
        return new NotifierConfig("webhook", Map.of("url", receiver.baseUri().resolve("/budget-hook").toString(),
                "secret", SECRET, "attempts", "4", "backoff", "1s", "timeout", "2s"));
    }

    private static Scorer judge(String name) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Object score(ScorerInput input) {
                return Feedback.of("yes").withMetadata(Map.of(JudgeUsage.INPUT_TOKENS, "70",
                        JudgeUsage.OUTPUT_TOKENS, "30", JudgeUsage.COST_USD, "0.001"));
            }

            @Override
            public ScorerDefinition definition() {
                return new ScorerDefinition("java", Map.of("lambda", "budget-alert-" + name));
            }

            @Override
            public Workload workload() {
                return Workload.IO;
            }

            @Override
            public AssessmentSource source() {
                return AssessmentSource.llmJudge("fakeai:/judge");
            }
        };
    }

    private BudgetUsage usage(String budget) {
        return store.budgets().usage(exp.id(), budget, BudgetPeriod.DAY.start(clock.instant()));
    }

    private void logAndAwait(int seed, int n, String budget, long settledOrSkipped) {
        List<Trace> traces = new TraceGenerator(seed, exp.id(), clock.instant().minusSeconds(600),
                Duration.ofSeconds(1)).traces(n);
        exp.log(traces);
        await(n + " traces called or skipped", () -> usage(budget).calls() + usage(budget).skipped()
                >= settledOrSkipped);
    }

    /** Requests grouped by notification id, each one's signature checked. */
    private Map<String, List<Map<?, ?>>> delivered() {
        Map<String, List<Map<?, ?>>> byId = new LinkedHashMap<>();
        for (RecordedRequest r : receiver.requests()) {
            assertThat(r.path()).isEqualTo("/budget-hook");
            assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER))
                    .isEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex(SECRET, r.body()));
            Map<?, ?> body = (Map<?, ?>) Json.parse(r.body());
            assertThat(body.get("id")).isEqualTo(r.header(WebhookNotifier.ID_HEADER));
            byId.computeIfAbsent(r.header(WebhookNotifier.ID_HEADER), k -> new ArrayList<>()).add(body);
        }
        return byId;
    }

    @Test
    void alertBudget_notifiesOnceAt80AndOnceAt100_notAgainAfterARestart_andAgainNextPeriod() {
        store.budgets().put(new Budget(exp.id(), "daily-usd", null, BudgetPeriod.DAY, 0, 0.005, BudgetAction.ALERT,
                T0, List.of(webhook())));
        exp.scorers().registerOrGet(judge("safety")).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        logAndAwait(1, 6, "daily-usd", 6);
        await("both alerts delivered", () -> delivered().size() == 2);

        Map<String, List<Map<?, ?>>> first = delivered();
        String day = Long.toString(BudgetPeriod.DAY.start(T0).toEpochMilli());
        assertThat(first.keySet()).containsExactly("budget-" + exp.id() + "-daily-usd-" + day + "-80",
                "budget-" + exp.id() + "-daily-usd-" + day + "-100");
        Map<?, ?> at80 = first.values().iterator().next().get(0);
        assertThat(at80.get("kind")).isEqualTo("budget");
        assertThat(at80.get("budget")).isEqualTo("daily-usd");
        assertThat(at80.get("from")).isEqualTo("OK");
        assertThat(at80.get("to")).isEqualTo("WARNING");
        assertThat((String) at80.get("metric")).contains("every judge scorer", "of $0.01", "action alert");
        assertThat(((Number) at80.get("value")).doubleValue()).isEqualTo(0.8);
        Map<?, ?> at100 = new ArrayList<>(first.values()).get(1).get(0);
        assertThat(at100.get("from")).isEqualTo("WARNING");
        assertThat(at100.get("to")).isEqualTo("EXHAUSTED");
        assertThat(usage("daily-usd").alertedPercent()).isEqualTo(100);

        // A restart: a new engine (nothing in memory) on the same store keeps spending the same day.
        vigil.close();
        clock.advance(Duration.ofSeconds(30)); // the restart takes a while: the old engine's leases lapse
        vigil = engine();
        exp = vigil.experiment("budgets");
        exp.scorers().registerOrGet(judge("safety")); // the application registers its scorers at start-up
        vigil.startMonitoring();
        logAndAwait(2, 3, "daily-usd", 9);
        assertThat(vigil.awaitIdle(Duration.ofMinutes(3))).isTrue();
        assertThat(delivered()).as("the store's alert mark: no re-send after a restart").hasSize(2);

        // The next day starts from zero and alerts again, under new ids.
        clock.advance(Duration.ofDays(1));
        logAndAwait(3, 4, "daily-usd", 4);
        await("the next day's 80 % alert", () -> delivered().size() == 3);
        String nextDay = Long.toString(BudgetPeriod.DAY.start(clock.instant()).toEpochMilli());
        assertThat(delivered().keySet()).contains("budget-" + exp.id() + "-daily-usd-" + nextDay + "-80");
        assertThat(dead).isEmpty();
    }

    @Test
    void alertsRecordedByAnEngineThatStoppedBeforeSending_areSentOnceByTheNextEngine_andNotRaisedAgain() {
        store.budgets().put(new Budget(exp.id(), "daily-usd", null, BudgetPeriod.DAY, 0, 0.005, BudgetAction.ALERT,
                T0, List.of(webhook())));
        // the dying engine records its alerts in the store's outbox, marks them, and stops before any send runs
        vigil.close();
        List<Runnable> neverRun = new CopyOnWriteArrayList<>();
        vigil = builder().budgetAlerts(new BudgetNotifications(outbox(), neverRun::add)).build();
        exp = vigil.experiment("budgets");
        exp.scorers().registerOrGet(judge("safety")).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        logAndAwait(5, 6, "daily-usd", 6);
        assertThat(vigil.awaitIdle(Duration.ofMinutes(3))).isTrue();
        vigil.close();

        String day = Long.toString(BudgetPeriod.DAY.start(T0).toEpochMilli());
        String at80 = "budget-" + exp.id() + "-daily-usd-" + day + "-80";
        String at100 = "budget-" + exp.id() + "-daily-usd-" + day + "-100";
        assertThat(neverRun).as("two sends were due when the engine stopped").hasSize(2);
        assertThat(receiver.requestCount()).isZero();
        assertThat(usage("daily-usd").alertedPercent()).as("the crossings are marked").isEqualTo(100);
        assertThat(store.outbox().due(clock.instant(), 10)).extracting(e -> e.id())
                .containsExactlyInAnyOrder(at80, at100);

        // the restart: the next engine's outbox drain sends both, once each, and the same day raises nothing new
        clock.advance(Duration.ofSeconds(30));
        vigil = engine();
        exp = vigil.experiment("budgets");
        exp.scorers().registerOrGet(judge("safety"));
        vigil.startMonitoring();
        // delivered, then marked sent: the drain marks an entry after the receiver's answer, so wait for both (the
        // receiver seeing the second request does not mean the drain thread has marked it yet)
        await("both pending alerts delivered and marked sent", () -> delivered().size() == 2
                && store.outbox().due(clock.instant().plus(Duration.ofDays(1)), 10).isEmpty());
        logAndAwait(6, 3, "daily-usd", 9);
        assertThat(vigil.awaitIdle(Duration.ofMinutes(3))).isTrue();

        Map<String, List<Map<?, ?>>> byId = delivered();
        assertThat(byId.keySet()).containsExactlyInAnyOrder(at80, at100);
        assertThat(byId.get(at80)).singleElement().satisfies(b -> assertThat(b.get("to")).isEqualTo("WARNING"));
        assertThat(byId.get(at100)).singleElement().satisfies(b -> assertThat(b.get("to")).isEqualTo("EXHAUSTED"));
        assertThat(store.outbox().due(clock.instant().plus(Duration.ofDays(1)), 10)).isEmpty();
        assertThat(dead).isEmpty();
    }

    @Test
    void stopBudget_notifiesOnceWhenUsedUp_throughAFlakyReceiver_withOneIdAcrossRetries() {
        receiver.enqueue(ScriptedReply.json(503, "{}"), ScriptedReply.reset(), ScriptedReply.json(200, "{}"));
        store.budgets().put(new Budget(exp.id(), "safety-tokens", "safety", BudgetPeriod.DAY, 250, 0,
                BudgetAction.STOP, T0, List.of(webhook())));
        exp.scorers().registerOrGet(judge("safety")).start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        logAndAwait(4, 6, "safety-tokens", 6);
        await("the alerts delivered", () -> receiver.requestCount() >= 4);

        Map<String, List<Map<?, ?>>> byId = delivered();
        String day = Long.toString(BudgetPeriod.DAY.start(T0).toEpochMilli());
        String exhausted = "budget-" + exp.id() + "-safety-tokens-" + day + "-100";
        assertThat(byId.keySet()).as("200 of 250 tokens is 80 %; the next call does not fit: used up")
                .containsExactly("budget-" + exp.id() + "-safety-tokens-" + day + "-80", exhausted);
        assertThat(byId.get("budget-" + exp.id() + "-safety-tokens-" + day + "-80"))
                .as("503, connection reset, then delivered: three tries of one notification").hasSize(3);
        assertThat(byId.get(exhausted)).hasSize(1);
        assertThat(byId.get(exhausted).get(0).get("to")).isEqualTo("EXHAUSTED");
        assertThat((String) byId.get(exhausted).get(0).get("metric")).contains("scorer 'safety'",
                "200 of 250 tokens", "action stop");
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(usage("safety-tokens").skipped()).isEqualTo(4);
        assertThat(dead).isEmpty();
    }

    @Test
    void slackText_ofABudgetAlert_isReadable() {
        Budget b = new Budget("exp-1", "daily-usd", null, BudgetPeriod.DAY, 0, 5.0, BudgetAction.STOP, T0);
        BudgetUsage u = new BudgetUsage("exp-1", "daily-usd", BudgetPeriod.DAY.start(T0), 120_000, 5_000_000_000L,
                0, 0, 400, 3, 80);
        BudgetAlert alert = new BudgetAlert("budget-exp-1-daily-usd-1-100", b, u, 100, T0);
        receiver.fallback(ScriptedReply.json(200, "ok"));
        NotifierConfig slack = new NotifierConfig("slack", Map.of("url", receiver.baseUri().resolve("/s").toString()));
        NotifierContext ctx = new NotifierContext(clock, d -> { }, Optional.of("https://vigil.example/"), dead::add);

        assertThat(new SlackNotifier().send(BudgetNotifications.notification(alert), slack, ctx)).isTrue();

        String text = (String) ((Map<?, ?>) Json.parse(receiver.lastRequest().body())).get("text");
        assertThat(text).contains("*budget daily-usd* is used up", "every judge scorer", "$5.0000 of $5.00",
                "100 % used", "400 judge calls", "https://vigil.example/experiments/exp-1/budgets");
    }

    private static void await(String what, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 4 minutes: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
