package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.notify.WebhookNotifier;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.http.RecordedRequest;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.http.ScriptedReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitorsCommandTest {

    private static final String KEY = "hmac-key-for-the-cli-test";

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);
    private final ScriptedHttpServer receiver = ScriptedHttpServer.start();

    @AfterEach
    void close() {
        receiver.close();
        store.close();
    }

    @Test
    void createListGetUpdateTestHistoryDelete_withSecretsNeverPrinted() {
        String url = receiver.baseUri().resolve("/hook?token=s3cr3t").toString();
        Cli.Result created = cli.run("monitors", "create", "safety-pass-rate", "--scorer", "safety",
                "--warning", "0.95", "--critical", "0.9", "--window", "1h", "--webhook", url,
                "--webhook-secret", KEY);
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created monitor 'safety-pass-rate' version 1: pass_rate of safety over 1h",
                "below warning 0.95 / critical 0.9", "interval confidence", "notifies webhook");

        Cli.Result list = cli.run("monitors", "list");
        assertThat(list.out()).contains("safety-pass-rate", "pass_rate of safety", "NO_DATA");
        Cli.Result get = cli.run("monitors", "get", "safety-pass-rate");
        assertThat(get.out()).contains("State: NO_DATA");

        Cli.Result updated = cli.run("monitors", "update", "safety-pass-rate", "--critical", "0.85",
                "--confidence", "point");
        assertThat(updated.code()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("version 2", "critical 0.85", "point confidence", "notifies webhook");

        receiver.fallback(ScriptedReply.json(200, "{}"));
        Cli.Result test = cli.run("monitors", "test", "safety-pass-rate");
        assertThat(test.code()).as(test.err()).isZero();
        assertThat(test.out()).contains("delivered to 1 of 1 destination");
        RecordedRequest r = receiver.lastRequest();
        assertThat(r.header(WebhookNotifier.SIGNATURE_HEADER))
                .isEqualTo("sha256=" + WebhookNotifier.hmacSha256Hex(KEY, r.body()));
        assertThat(r.body()).contains("\"test\":true");

        assertThat(cli.run("monitors", "history", "safety-pass-rate").out()).contains("no transitions yet");
        for (Cli.Result res : new Cli.Result[] {created, list, get, updated, test}) {
            assertThat(res.out() + res.err()).doesNotContain("s3cr3t").doesNotContain(KEY);
        }
        assertThat(cli.run("monitors", "delete", "safety-pass-rate").out()).contains("Deleted monitor");
        assertThat(cli.run("monitors", "list").out()).contains("No monitors");
    }

    @Test
    void badDefinition_isAUsageErrorSayingWhatIsAllowed_andNothingIsStored() {
        Cli.Result bad = cli.run("monitors", "create", "m", "--scorer", "safety", "--critical", "90");
        assertThat(bad.code()).isEqualTo(VigilCommand.EXIT_USAGE);
        assertThat(bad.err()).contains("share in [0, 1]");
        Cli.Result noThreshold = cli.run("monitors", "create", "m", "--scorer", "safety", "--metric", "median");
        assertThat(noThreshold.err()).contains("unknown metric 'median'");
        Cli.Result badUrl = cli.run("monitors", "create", "m", "--scorer", "safety", "--critical", "0.9",
                "--slack", "not a url with secret-part");
        assertThat(badUrl.code()).isEqualTo(VigilCommand.EXIT_USAGE);
        assertThat(badUrl.err()).contains("url").doesNotContain("secret-part");
        assertThat(cli.run("monitors", "list").out()).contains("No monitors");
    }
}
