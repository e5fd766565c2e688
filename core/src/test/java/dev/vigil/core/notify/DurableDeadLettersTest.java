package dev.vigil.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A webhook notification given up on is kept in the store's job records, once, without the URL or the key. */
class DurableDeadLettersTest {

    private static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");
    private static final String SECRET = "whsec-0123456789abcdef";

    @Test
    void undeliverableNotification_isKeptOnceInTheStore_withoutSecrets() {
        MutableClock clock = new MutableClock(T0);
        try (ScriptedHttpServer receiver = ScriptedHttpServer.start();
                Store store = Stores.open("memory:", StoreOptions.withClock(clock))) {
            receiver.fallback(ScriptedReply.json(503, "{}"));
            String exp = store.experiments().getOrCreate("prod").experimentId();
            DurableDeadLetters dead = new DurableDeadLetters(store.jobs(), clock);
            NotifierContext ctx = new NotifierContext(clock, clock::advance, Optional.empty(), dead);
            NotifierConfig hook = new NotifierConfig("webhook", Map.of("url",
                    receiver.baseUri().resolve("/hook?token=hush").toString(), "secret", SECRET, "attempts", "2",
                    "backoff", "1s", "timeout", "1s"));
            Notification n = new Notification("n-42", exp, "safety", "OK", "CRITICAL", T0, "pass_rate of safety",
                    0.7, 0.6, 0.8, 120, T0.minus(Duration.ofHours(1)), T0, List.of("tr-1"), false);

            assertThat(new WebhookNotifier().send(n, hook, ctx)).isFalse();
            assertThat(new WebhookNotifier().send(n, hook, ctx)).isFalse(); // given up on again: kept once

            List<Job> letters = dead.list(exp);
            assertThat(letters).hasSize(1);
            Job j = letters.get(0);
            assertThat(j.status()).isEqualTo(JobStatus.FAILED);
            assertThat(j.type()).isEqualTo(DurableDeadLetters.JOB_TYPE);
            assertThat(j.jobId()).isEqualTo(DurableDeadLetters.jobId("n-42", "webhook"));
            assertThat(j.message()).isEqualTo("not delivered after 2 attempts: HTTP 503");
            assertThat(j.spec().get("notifier")).isEqualTo("webhook");
            assertThat(((Map<?, ?>) j.spec().get("notification")).get("id")).isEqualTo("n-42");
            String all = Json.write(j.spec()) + j.message();
            assertThat(all).doesNotContain(SECRET).doesNotContain("hush")
                    .doesNotContain(receiver.baseUri().toString());
        }
    }
}
