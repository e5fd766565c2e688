package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.Vigil;
import dev.vigil.core.engine.Engine;
import dev.vigil.spi.judge.FailureKind;
import dev.vigil.spi.store.PendingRetry;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vigil engine} and the health columns of {@code vigil scorers list}, as a user runs them. */
class EngineCommandTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void repartition_changesTheStoredCount_andAnEngineWithTheOldCountIsRefused() {
        try (Vigil four = Vigil.builder().store(store).partitions(4).engineId("a").build()) {
            four.startMonitoring();
        }
        assertThat(cli.run("engine", "partitions").out()).isEqualTo("The trace stream is split into 4 partition(s).\n");

        Cli.Result r = cli.run("engine", "repartition", "--partitions", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Changed the trace stream from 4 to 2 partition(s); the cursors were carried over");
        assertThat(store.coordination().partitionCount(Engine.STREAM)).hasValue(2);
        assertThat(cli.run("engine", "repartition", "--partitions", "2").out()).contains("already; nothing changed");

        try (Vigil stale = Vigil.builder().store(store).partitions(4).engineId("b").build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(stale::startMonitoring)
                    .hasMessageContaining("2 partition(s)").hasMessageContaining("configured with 4");
        }
    }

    @Test
    void monitorAndServe_afterARepartition_runWithTheStoredCount_andRefuseAnotherNamingBoth() {
        try (Vigil four = Vigil.builder().store(store).partitions(4).engineId("a").build()) {
            four.startMonitoring();
        }
        assertThat(cli.run("engine", "repartition", "--partitions", "2").code()).isZero();

        Cli.Result wrong = cli.run("monitor", "--partitions", "4", "--duration", "1s");
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("--partitions 4 does not match").contains("into 2 partition(s)")
                .contains("Start with --partitions 2").contains("vigil engine repartition --partitions 4");
        Cli.Result absent = cli.run("monitor", "--duration", "1s");
        assertThat(absent.code()).isNotZero();
        assertThat(absent.err()).contains("would use 1 partition(s) (the default)").contains("Start with --partitions 2");
        Cli.Result serveWrong = cli.run("serve", "--port", "0", "--partitions", "3", "--duration", "1s");
        assertThat(serveWrong.code()).isNotZero();
        assertThat(serveWrong.err()).contains("--partitions 3 does not match").contains("into 2 partition(s)");

        Cli.Result monitor = cli.run("monitor", "--partitions", "2", "--duration", "1s", "--status-every", "1s");
        assertThat(monitor.code()).as(monitor.err()).isZero();
        Cli.Result serve = cli.run("serve", "--port", "0", "--partitions", "2", "--duration", "1s");
        assertThat(serve.code()).as(serve.err()).isZero();
        assertThat(store.coordination().partitionCount(Engine.STREAM)).hasValue(2);
    }

    @Test
    void monitor_rejectsAPartitionCountOutOfRange() {
        Cli.Result r = cli.run("monitor", "--partitions", "0", "--duration", "1s");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--partitions must be 1 to 1024, got 0");
    }

    @Test
    void repartition_whileAnEngineRuns_isRefusedSayingToStopIt() {
        try (Vigil running = Vigil.builder().store(store).partitions(2).engineId("a").build()) {
            running.startMonitoring();
            awaitHeld(running);
            Cli.Result r = cli.run("engine", "repartition", "--partitions", "3");
            assertThat(r.code()).isNotZero();
            assertThat(r.err()).contains("held by a running engine").contains("Stop every");
        }
        assertThat(store.coordination().partitionCount(Engine.STREAM)).hasValue(2);
    }

    @Test
    void repartition_rejectsACountOutOfRange() {
        Cli.Result r = cli.run("engine", "repartition", "--partitions", "0");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--partitions must be 1 to 1024, got 0");
    }

    @Test
    void scorersList_showsPendingRetries_theLastFailureKind_andPaused() {
        String exp = store.experiments().getOrCreate("default").experimentId();
        try (Vigil v = Vigil.builder().store(store).build()) {
            v.experiment("default").scorers().register(dev.vigil.core.scorer.Scorers.code("retrying", in -> 1))
                    .start(dev.vigil.spi.scorer.SamplingConfig.of(1.0));
            v.experiment("default").scorers().register(dev.vigil.core.scorer.Scorers.code("paused", in -> 1))
                    .start(dev.vigil.spi.scorer.SamplingConfig.of(1.0));
            v.experiment("default").scorers().register(dev.vigil.core.scorer.Scorers.code("fine", in -> 1))
                    .start(dev.vigil.spi.scorer.SamplingConfig.of(1.0));
        }
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        store.retries().defer(List.of(
                new PendingRetry(exp, "t1", "retrying", 1, 1, now, now, FailureKind.RATE_LIMITED, "429"),
                new PendingRetry(exp, "t2", "retrying", 1, 2, now, now, FailureKind.OVERLOADED, "503"),
                new PendingRetry(exp, "t1", "paused", 1, 1, now, now, FailureKind.AUTH,
                        "paused after 3 consecutive authentication failures; last: 401 invalid key")));

        List<String> lines = cli.run("scorers", "list").out().lines().toList();
        assertThat(lines.get(0)).contains("HEALTH").contains("PENDING").contains("LAST FAILURE");
        assertThat(row(lines, "fine")).contains(" ok ").doesNotContain("retrying");
        assertThat(row(lines, "retrying")).contains("retrying").contains(" 2 ").containsPattern("RATE_LIMITED|OVERLOADED");
        assertThat(row(lines, "paused")).contains("paused").contains(" 1 ").contains("AUTH");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("paused v1: paused after 3 consecutive"));
    }

    private static String row(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
    }

    private static void awaitHeld(Vigil v) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (v.engine().heldPartitions().isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the engine took no partition");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
