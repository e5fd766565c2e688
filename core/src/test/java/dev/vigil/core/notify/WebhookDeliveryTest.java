package dev.vigil.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.core.monitor.ConfidenceMode;
import dev.vigil.core.monitor.Direction;
import dev.vigil.core.monitor.MonitorDefinition;
import dev.vigil.core.monitor.MonitorMetric;
import dev.vigil.core.monitor.MonitorService;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.ForwardingStore;
import dev.vigil.spi.store.MonitorTransition;
import dev.vigil.spi.store.NotificationOutbox;
import dev.vigil.spi.store.OutboxEntry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The webhook notifier against a real HTTP receiver on loopback. */
@Timeout(300)
class WebhookDeliveryTest {

    private static final String SECRET = "a-shared-hmac-key-0123456789";
    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    private ScriptedHttpServer receiver;
    private Store store;
    private String experimentId;
    private MutableClock clock;
    private final List<Duration> slept = new ArrayList<>();
    private final List<NotifierContext.DeadLetter> dead = new ArrayList<>();
    private NotifierContext context;

    @BeforeEach
    void setUp() {
        receiver = ScriptedHttpServer.start();
        store = Stores.open("memory:");
        experimentId = store.experiments().getOrCreate("prod").experimentId();
        clock = new MutableClock(T0);
        context = new NotifierContext(clock, d -> {
            slept.add(d);
            clock.advance(d);
        }, Optional.empty(), dead::add);
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        store.close();
    }

    private NotifierConfig webhook(String attempts) {
        return new NotifierConfig("webhook", Map.of("url", receiver.baseUri().resolve("/hook").toString(),
                "secret", SECRET, "attempts", attempts, "backoff", "1s", "timeout", "1s"));
    }

    private void score(Instant at, String traceId, boolean pass) {
        store.traces().put(List.of(new Trace(TraceInfo.builder().traceId(traceId).experimentId(experimentId)
                .requestTime(at).build(), List.of())));
        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("safety").traceId(traceId)
                .source(AssessmentSource.code("safety")).createTime(at).value(FeedbackValue.of(pass))
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "safety", Assessment.METADATA_SCORER_VERSION,
                        "1", FeedbackAssessment.METADATA_SAMPLE_RATE, "1.0"))
                .build()));
    }

    /** The store of an engine that stops right after recording a notification: it can no longer take any. */
    private static Store stopsBeforeTheSend(Store store) {
        return new ForwardingStore(store) {
            @Override
            public NotificationOutbox outbox() {
                NotificationOutbox real = store.outbox();
                return new NotificationOutbox() {
                    @Override
                    public boolean record(OutboxEntry entry) {
                        return real.record(entry);
                    }

                    @Override
                    public Optional<OutboxEntry> get(String id) {
                        return real.get(id);
                    }

                    @Override
                    public List<OutboxEntry> due(Instant now, int limit) {
                        return real.due(now, limit);
                    }

                    @Override
                    public boolean claim(String id, Instant now, Instant leaseUntil) {
                        throw new IllegalStateException("the engine stopped before sending " + id);
                    }

                    @Override
                    public boolean markSent(String id, Instant at) {
                        return real.markSent(id, at);
                    }
                };
            }
        };
    }

    @Test
    void aTransitionsNotification_recordedByAnEngineThatStoppedBeforeSending_isSentByTheNextOneOnce() {
        receiver.fallback(ScriptedReply.json(200, "{}"));
        NotificationDispatcher dispatcher = new NotificationDispatcher(List.of(new WebhookNotifier()), context);
        MonitorDefinition def = new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null,
                Duration.ofHours(1), Duration.ofMinutes(1), Direction.BELOW, null, 0.9, 5, ConfidenceMode.POINT,
                Duration.ZERO, 0, List.of(webhook("3")));
        MonitorService dying = new MonitorService(stopsBeforeTheSend(store), clock, dispatcher, 1.0);
        dying.create(experimentId, "safety", def);
        for (int i = 0; i < 10; i++) {
            score(T0.minusSeconds(600 - i), "fail-" + i, false);
        }

        List<MonitorTransition> seen = dying.evaluateDue(experimentId);

        assertThat(seen).extracting(MonitorTransition::to).containsExactly("CRITICAL");
        assertThat(receiver.requests()).as("nothing sent before the engine stopped").isEmpty();
        assertThat(store.outbox().due(clock.instant(), 10)).extracting(OutboxEntry::id)
                .containsExactly(seen.get(0).id());

        // the restart: a new engine's first outbox drain sends it, signed, under the transition's id
        MonitorService next = new MonitorService(store, clock, dispatcher, 1.0);
        assertThat(next.drainOutbox()).isEqualTo(1);
        assertThat(next.drainOutbox()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(next.evaluateDue(experimentId)).as("still CRITICAL: no new transition").isEmpty();

        assertThat(receiver.requests()).singleElement().satisfies(r -> {
            assertThat(r.header(WebhookNotifier.ID_HEADER)).isEqualTo(seen.get(0).id());
            assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER))
                    .isEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex(SECRET, r.body()));
            Map<?, ?> body = (Map<?, ?>) Json.parse(r.body());
            assertThat(body.get("monitor")).isEqualTo("safety");
            assertThat(body.get("to")).isEqualTo("CRITICAL");
            assertThat(((Number) body.get("sample_size")).longValue()).isEqualTo(10);
        });
        assertThat(store.outbox().get(seen.get(0).id()).orElseThrow().isPending()).isFalse();
        assertThat(dead).isEmpty();
    }

    @Test
    void flakySlowReceiver_getsExactlyOneNotificationPerTransition_signed() {
        // Fails, drops the connection, answers too slowly (the client gives up but the receiver saw it), then
        // accepts; the recovery's notification goes through at once.
        receiver.enqueue(ScriptedReply.json(503, "{}"), ScriptedReply.reset(),
                ScriptedReply.json(200, "{}").delayedBy(Duration.ofSeconds(3)), ScriptedReply.json(200, "{}"));
        receiver.fallback(ScriptedReply.json(200, "{}"));
        NotificationDispatcher dispatcher = new NotificationDispatcher(
                List.of(new WebhookNotifier(), new SlackNotifier(), new LogNotifier()), context);
        MonitorService monitors = new MonitorService(store, clock, dispatcher, 1.0);
        monitors.create(experimentId, "safety", new MonitorDefinition("safety", null, MonitorMetric.PASS_RATE, null,
                Duration.ofHours(1), Duration.ofMinutes(1), Direction.BELOW, null, 0.9, 5, ConfidenceMode.POINT,
                Duration.ZERO, 0, List.of(webhook("5"))));

        for (int i = 0; i < 10; i++) {
            score(T0.minusSeconds(600 - i), "fail-" + i, false);
        }
        List<MonitorTransition> first = monitors.evaluateDue(experimentId); // NO_DATA -> CRITICAL
        clock.advance(Duration.ofMinutes(1));
        List<MonitorTransition> again = monitors.evaluateDue(experimentId); // still CRITICAL: no notification
        for (int i = 0; i < 200; i++) {
            score(clock.instant().minusSeconds(300).plusMillis(i), "pass-" + i, true);
        }
        clock.advance(Duration.ofMinutes(1));
        List<MonitorTransition> recovered = monitors.evaluateDue(experimentId); // CRITICAL -> OK

        assertThat(first).extracting(MonitorTransition::to).containsExactly("CRITICAL");
        assertThat(again).isEmpty();
        assertThat(recovered).extracting(MonitorTransition::to).containsExactly("OK");
        List<RecordedRequest> requests = receiver.requests();
        Map<String, List<RecordedRequest>> byId = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER))
                    .isEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex(SECRET, r.body()));
            String id = r.header(WebhookNotifier.ID_HEADER);
            assertThat(((Map<?, ?>) Json.parse(r.body())).get("id")).isEqualTo(id);
            byId.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        // De-duplicated by id, the receiver has exactly one notification per transition.
        assertThat(byId.keySet()).containsExactly(first.get(0).id(), recovered.get(0).id());
        assertThat(byId.get(first.get(0).id())).hasSize(4); // 503, reset, too slow, 200
        assertThat(byId.get(recovered.get(0).id())).hasSize(1);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(dead).isEmpty();
        Map<?, ?> body = (Map<?, ?>) Json.parse(byId.get(first.get(0).id()).get(0).body());
        assertThat(body.get("to")).isEqualTo("CRITICAL");
        assertThat(body.get("value")).isEqualTo(0.0);
        assertThat(((List<?>) body.get("trace_ids"))).isNotEmpty();
    }

    @Test
    void receiverDownForEveryTry_leavesADeadLetterWithoutTheSecret() {
        receiver.fallback(ScriptedReply.json(500, "{}"));
        Notification n = new Notification("n-1", experimentId, "safety", "OK", "CRITICAL", T0, "pass_rate of safety",
                0.5, 0.4, 0.6, 50, T0.minusSeconds(3600), T0, List.of("tr-1"), false);

        boolean delivered = new WebhookNotifier().send(n, webhook("3"), context);

        assertThat(delivered).isFalse();
        assertThat(receiver.requestCount()).isEqualTo(3);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).attempts()).isEqualTo(3);
        assertThat(dead.get(0).lastError()).isEqualTo("HTTP 500");
        assertThat(dead.get(0).toString()).doesNotContain(SECRET).doesNotContain(receiver.baseUri().toString());
    }

    @Test
    void rejectedByTheReceiver_isNotRetried() {
        receiver.fallback(ScriptedReply.json(400, "{}"));
        Notification n = new Notification("n-2", experimentId, "safety", "OK", "WARNING", T0, "m", Double.NaN,
                Double.NaN, Double.NaN, 0, T0, T0, List.of(), true);
        assertThat(new WebhookNotifier().send(n, webhook("5"), context)).isFalse();
        assertThat(receiver.requestCount()).isEqualTo(1);
    }

    @Test
    void secrets_neverInToStringOrValidationErrors() {
        NotifierConfig c = webhook("5");
        assertThat(c.toString()).doesNotContain(SECRET).doesNotContain("127.0.0.1").contains("url", "secret");
        NotifierConfig bad = new NotifierConfig("webhook", Map.of("url", "ftp://secret-host/x?token=hush"));
        assertThatThrownBy(() -> new WebhookNotifier().validate(bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageNotContaining("hush").hasMessageNotContaining("secret-host").hasMessageContaining("url");
        NotifierConfig shortKey = new NotifierConfig("webhook", Map.of("url", "https://x.example/h", "secret", "k"));
        assertThatThrownBy(() -> new WebhookNotifier().validate(shortKey)).hasMessageContaining("16")
                .hasMessageNotContaining("'k'");
    }

    @Test
    void slackMessage_isReadable_withTheDashboardLinkWhenConfigured() {
        receiver.fallback(ScriptedReply.json(200, "ok"));
        NotifierContext withServer = new NotifierContext(clock, d -> { }, Optional.of("https://vigil.example/"),
                dead::add);
        Notification n = new Notification("n-3", experimentId, "safety-pass-rate", "OK", "CRITICAL", T0,
                "pass_rate of safety", 0.8, 0.75, 0.85, 210, T0.minusSeconds(3600), T0, List.of("tr-9"), false);
        NotifierConfig slack = new NotifierConfig("slack", Map.of("url", receiver.baseUri().resolve("/s").toString()));

        assertThat(new SlackNotifier().send(n, slack, withServer)).isTrue();

        String text = (String) ((Map<?, ?>) Json.parse(receiver.lastRequest().body())).get("text");
        assertThat(text).contains("*safety-pass-rate* is CRITICAL (was OK)", "pass_rate of safety = 0.8000",
                "95% interval 0.7500 – 0.8500", "210 scored traces", "tr-9",
                "https://vigil.example/experiments/" + experimentId + "/monitors/safety-pass-rate");
    }

    @Test
    void serviceLoader_findsTheBuiltInNotifiers() {
        NotificationDispatcher d = NotificationDispatcher.loaded(context);
        Set<String> ok = new TreeSet<>();
        for (String t : List.of("webhook", "slack", "log")) {
            d.validate(new NotifierConfig(t, Map.of("url", "https://hooks.example/x")));
            ok.add(t);
        }
        assertThat(ok).containsExactly("log", "slack", "webhook");
        assertThatThrownBy(() -> d.validate(new NotifierConfig("pager", Map.of())))
                .hasMessageContaining("unknown notifier type 'pager'");
    }
}
