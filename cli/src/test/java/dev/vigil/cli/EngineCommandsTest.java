package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** monitor, backfill and jobs, driven as a user would, checking what they print and what they store. */
class EngineCommandsTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private List<Trace> seed(int n) {
        Experiment e = store.experiments().getOrCreate("default");
        // recent traces, one every 100 ms ending now
        Instant start = Instant.now().minusMillis(100L * n);
        List<Trace> traces = new TraceGenerator(11, e.experimentId(), start, Duration.ofMillis(100)).traces(n);
        store.traces().put(traces);
        return traces;
    }

    private long assessed(List<Trace> traces, String scorer) {
        return traces.stream().filter(t -> store.assessments().listByTrace(t.traceId()).stream()
                .anyMatch(a -> scorer.equals(a.scorerName()))).count();
    }

    @Test
    void monitor_scoresTracesWithActiveScorers_andStopsCleanly() {
        List<Trace> traces = seed(40);
        cli.run("scorers", "register", "no_secrets", "--java", "dev.vigil.cli.demo.DemoScorers$NoSecrets",
                "--start", "--sample-rate", "1.0");

        Cli.Result r = cli.run("monitor", "--duration", "3s", "--status-every", "1s");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Monitoring " + store.describe() + ": 1 active scorer in experiment 'default': "
                + "no_secrets 100%. Ctrl-C stops.");
        assertThat(r.out()).contains("Stopping: draining the work in flight...")
                .contains("Stopped cleanly: 40 traces seen, 40 scored, 0 errors");
        assertThat(assessed(traces, "no_secrets")).isEqualTo(40);
    }

    @Test
    void monitor_countsOnlyTheTracesOfItsExperiment_andSaysWhatItReadOfTheOthers() {
        List<Trace> traces = seed(40);
        Experiment other = store.experiments().getOrCreate("other");
        store.traces().put(new TraceGenerator(12, other.experimentId(), Instant.now().minusSeconds(5),
                Duration.ofMillis(100)).traces(15));
        cli.run("scorers", "register", "no_secrets", "--java", "dev.vigil.cli.demo.DemoScorers$NoSecrets",
                "--start", "--sample-rate", "1.0");
        cli.run("scorers", "register", "no_secrets", "-e", "other", "--java",
                "dev.vigil.cli.demo.DemoScorers$NoSecrets", "--start", "--sample-rate", "1.0");

        Cli.Result r = cli.run("monitor", "--duration", "3s", "--status-every", "1s");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Stopped cleanly: 40 traces seen, 40 scored, 0 errors in experiment 'default' "
                + "(and 15 traces of other experiments, scored by their own scorers)");
        assertThat(assessed(traces, "no_secrets")).isEqualTo(40);
    }

    @Test
    void backfill_withRate_printsJobAndProgressBar_andScoresHistory() {
        List<Trace> traces = seed(200);
        cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");

        Cli.Result r = cli.run("backfill", "--scorer", "concise:1.0", "--from", "1h");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("Backfill job (backfill-[0-9a-f-]+): concise:1.0 over .* in experiment 'default'\\.");
        assertThat(r.out()).containsPattern("\\[#{24}\\] 100%  scanned 200/200  scored 200  failed 0  skipped 0  .* succeeded  job backfill-");
        assertThat(assessed(traces, "concise")).isEqualTo(200);

        Cli.Result jobs = cli.run("jobs");
        assertThat(jobs.out().lines().toList().get(1)).startsWith("backfill-").contains("backfill  succeeded")
                .containsPattern("\\s200\\s+200\\s+0\\s");
        String id = jobs.out().lines().toList().get(1).split(" ")[0];
        Cli.Result status = cli.run("jobs", "status", id);
        assertThat(status.out()).contains("status:   succeeded").contains("\"name\":\"concise\"").contains("\"sampleRate\":1.0");
        assertThat(cli.run("jobs", "resume", id).out()).isEqualTo("Job " + id + " is succeeded: nothing to resume.\n");
    }

    @Test
    void backfill_jobIsListedRunningAtOnce_beforeItsFirstPageIsScored() throws Exception {
        List<Trace> traces = seed(30);
        assertThat(cli.run("scorers", "register", "gated", "--java", "dev.vigil.cli.GatedScorer").code()).isZero();
        GatedScorer.GATE.drainPermits();
        java.util.concurrent.CompletableFuture<Cli.Result> backfill = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> cli.run("backfill", "--scorer", "gated:1.0", "--from", "1h"));
        try {
            // issue #20: the job row appeared ~28 s after the start, once the first page was scored
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            String row = null;
            while (row == null) {
                assertThat(System.nanoTime() - deadline).as("the job listed as running within 2 minutes").isNegative();
                assertThat(backfill).isNotDone();
                row = cli.run("jobs").out().lines().filter(l -> l.startsWith("backfill-") && l.contains(" running "))
                        .findFirst().orElse(null);
                Thread.sleep(50);
            }
            assertThat(assessed(traces, "gated")).as("nothing of the first page is scored yet").isZero();
        } finally {
            GatedScorer.GATE.release(10_000);
        }
        Cli.Result r = backfill.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("scanned 30/30  scored 30  failed 0");
        assertThat(assessed(traces, "gated")).isEqualTo(30);
    }

    @Test
    void backfillDetached_thenResume_finishesTheJobFromItsCheckpoint() {
        List<Trace> traces = seed(3000);
        cli.run("scorers", "register", "english", "--java", "dev.vigil.cli.demo.DemoScorers$IsEnglish",
                "--start", "--sample-rate", "0.5");

        Cli.Result detached = cli.run("backfill", "--scorer", "english", "--from", "2h", "--detach");
        assertThat(detached.code()).as(detached.err()).isZero();
        assertThat(detached.out()).contains("Detached: the job is saved with its checkpoint");
        Experiment e = store.experiments().findByName("default").orElseThrow();
        Job job = store.jobs().list(e.experimentId()).get(0);

        Cli.Result resumed = cli.run("jobs", "resume", job.jobId());

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Resumed job " + job.jobId()).contains("succeeded  job " + job.jobId());
        Job done = store.jobs().get(job.jobId()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        long sampled = done.progress().get("sampled");
        assertThat(sampled).isBetween(1350L, 1650L); // half of 3000, the same pairs live monitoring would pick
        assertThat(assessed(traces, "english")).isEqualTo(sampled);
    }

    @Test
    void jobsCancel_ofASavedJob_marksItCancelled_andResumeThenDoesNothing() {
        seed(3000);
        cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");
        assertThat(cli.run("backfill", "--scorer", "concise:1", "--from", "2h", "--detach").code()).isZero();
        Experiment e = store.experiments().findByName("default").orElseThrow();
        String id = store.jobs().list(e.experimentId()).get(0).jobId();

        Cli.Result r = cli.run("jobs", "cancel", id);

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Job " + id + " is ");
        Job job = store.jobs().get(id).orElseThrow();
        // a job that had not finished is cancelled; one that raced to the end stays succeeded
        assertThat(job.status()).isIn(JobStatus.CANCELLED, JobStatus.SUCCEEDED);
        assertThat(r.out()).contains(job.status().name().toLowerCase(java.util.Locale.ROOT));
        assertThat(cli.run("jobs", "resume", id).out()).endsWith(": nothing to resume.\n");
        assertThat(cli.run("jobs").out()).contains(id);
    }

    @Test
    void jobsCancel_ofAnUnknownJob_saysSo() {
        store.experiments().getOrCreate("default");

        Cli.Result r = cli.run("jobs", "cancel", "backfill-nope");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: no job 'backfill-nope' in ");
    }

    @Test
    void backfillOfAnUnknownScorer_namesTheExperimentAndTheRegisteredOnes() {
        seed(5);
        cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");

        Cli.Result r = cli.run("backfill", "--scorer", "consice");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("vigil: Scheduled scorer 'consice' not found in experiment 'default'. Registered: concise\n");
    }
}
