package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil jobs} states come from the stored status and the job's lease: a job left running by a process that
 * died shows {@code interrupted} (issue #20: it stayed {@code running}); a saved job never run shows {@code queued}.
 * The backfill bar never shows {@code 0/0} before the first page, and its rate is this run's.
 */
class JobStatesTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private Job job(String id, JobStatus status, Map<String, Long> progress) {
        Experiment e = store.experiments().getOrCreate("default");
        Instant now = Instant.now();
        return store.jobs().create(new Job(id, e.experimentId(), "backfill", Map.of("scorers", java.util.List.of()),
                status, progress, null, null, 1, now, now));
    }

    private static String row(String out, String id) {
        return out.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    @Test
    void runningJobWhoseRunnerDied_isShownInterrupted_withHowToResume() {
        job("backfill-dead", JobStatus.RUNNING, Map.of("scanned", 500L));

        Cli.Result list = cli.run("jobs");
        Cli.Result status = cli.run("jobs", "status", "backfill-dead");

        assertThat(list.code()).as(list.err()).isZero();
        assertThat(row(list.out(), "backfill-dead")).contains(" interrupted ").contains("vigil jobs resume backfill-dead");
        assertThat(status.out()).contains("status:   interrupted (its process stopped");
    }

    @Test
    void jobWhoseLeaseALiveRunnerHolds_isShownRunning() {
        job("backfill-live", JobStatus.RUNNING, Map.of("scanned", 500L));
        Lease held = store.jobs().tryAcquire("vigil.backfill.backfill-live", "other-process", Duration.ofMinutes(10))
                .orElseThrow();
        try {
            Cli.Result list = cli.run("jobs");

            assertThat(row(list.out(), "backfill-live")).contains(" running ");
        } finally {
            store.jobs().release(held);
        }
        assertThat(row(cli.run("jobs").out(), "backfill-live")).contains(" interrupted ");
    }

    @Test
    void savedJobNeverRun_isShownQueued_andFinishedOnesKeepTheirStatus() {
        job("backfill-new", JobStatus.PENDING, Map.of());
        job("backfill-done", JobStatus.SUCCEEDED, Map.of("scanned", 10L));
        job("backfill-stop", JobStatus.CANCELLED, Map.of("scanned", 3L));

        Cli.Result list = cli.run("jobs");

        assertThat(row(list.out(), "backfill-new")).contains(" queued ");
        assertThat(row(list.out(), "backfill-done")).contains(" succeeded ");
        assertThat(row(list.out(), "backfill-stop")).contains(" cancelled ");
    }

    @Test
    void bar_beforeTheCount_saysSo_insteadOfZeroOfZero() {
        BackfillProgress none = new BackfillProgress("j", JobStatus.PENDING, 0, 0, 0, 0, 0, 0, null);

        String bar = BackfillWatch.render(none, 0, 5_000);

        assertThat(bar).contains("scanned counting traces in range").doesNotContain("0/0");
    }

    @Test
    void bar_showsTheCountedTotalExactly_andTheRateOfThisRunOnly() {
        BackfillProgress resumed = new BackfillProgress("j", JobStatus.RUNNING, 1_000, 0, 0, 0, 0, 1_000, null,
                0, 2_000, 0);

        String bar = BackfillWatch.render(resumed, 900, 2_000);

        assertThat(bar).contains("scanned 1000/2000 ").doesNotContain("~").contains(" 50 traces/s")
                .contains("ETA 20s");
    }

    @Test
    void bar_afterTheScan_showsTheDeferredPairsTheJobStillRetries() {
        BackfillProgress waiting = new BackfillProgress("j", JobStatus.RUNNING, 3_000, 3_000, 2_990, 0, 0, 0, null,
                10, 3_000, 0);

        String bar = BackfillWatch.render(waiting, 0, 60_000);

        assertThat(bar).contains("100%").contains("scanned 3000/3000").contains("deferred 10")
                .contains("retrying deferred pairs");
    }
}
