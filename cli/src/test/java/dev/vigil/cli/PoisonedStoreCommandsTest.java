package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocker of issue #20 on the default H2 store: a scorer returning too much (a Python scorer returning 2 MiB:
 * GraalPy building the reported 50 MB overran its 5 s time budget on a loaded machine; a Java scorer returning the
 * full 50 MB; and the planted 50 MB row below), run by backfill, must never leave a
 * row that stops export, report, try or monitor — in its experiment or another one of the same store; and a row
 * an older version wrote that way is skipped, not fatal.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PoisonedStoreCommandsTest {

    private static final String HUGE_SCORER = """
            from mlflow.genai.scorers import scorer

            @scorer
            def huge(outputs):
                return "x" * (2 * 1024 * 1024)
            """;

    @TempDir
    Path tmp;

    private String url() {
        return "jdbc:h2:file:" + tmp.resolve("data/vigil");
    }

    private List<Trace> seed(String experiment, long seed, int n) {
        try (Store s = Stores.open(url())) {
            Experiment e = s.experiments().getOrCreate(experiment);
            List<Trace> traces = new TraceGenerator(seed, e.experimentId(), Instant.now().minusSeconds(60),
                    Duration.ofMillis(100)).traces(n);
            s.traces().put(traces);
            return traces;
        }
    }

    private Cli.Result run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--store";
        all[args.length + 1] = url();
        return Cli.real().run(all);
    }

    @Test
    void fiftyMegabyteResultByBackfill_isStoredAsResultTooLarge_andEveryCommandStillWorks() throws Exception {
        List<Trace> big = seed("big", 1, 3);
        seed("clean", 2, 5);
        Path py = tmp.resolve("huge.py");
        Files.writeString(py, HUGE_SCORER);
        Cli.Result reg = run("scorers", "register", "huge", "-e", "big", "--python", py.toString());
        assertThat(reg.code()).as(reg.err()).isZero();

        Cli.Result backfill = run("backfill", "-e", "big", "--scorer", "huge:1.0", "--from", "1h");
        assertThat(backfill.code()).as(backfill.out() + backfill.err()).isZero();
        try (Store s = Stores.open(url())) {
            List<Assessment> stored = s.assessments().listByTrace(big.get(0).traceId());
            assertThat(stored).singleElement().satisfies(a -> {
                assertThat(a.feedback().error().code()).isEqualTo("RESULT_TOO_LARGE");
                assertThat(a.feedback().error().message()).contains("2097154 characters");
            });
        }
        assertCommandsWork();
    }

    @Test
    void fiftyMegabyteJavaResultByBackfill_isStoredAsResultTooLarge_andEveryCommandStillWorks() {
        List<Trace> big = seed("big", 1, 3);
        seed("clean", 2, 5);
        Cli.Result reg = run("scorers", "register", "huge", "-e", "big", "--java", "dev.vigil.cli.HugeResultScorer");
        assertThat(reg.code()).as(reg.err()).isZero();

        // the scenario at its full size: a 50 MB result, run by backfill, said 'succeeded' and poisoned the store
        Cli.Result backfill = run("backfill", "-e", "big", "--scorer", "huge:1.0", "--from", "1h");
        assertThat(backfill.code()).as(backfill.out() + backfill.err()).isZero();
        try (Store s = Stores.open(url())) {
            for (Trace t : big) {
                assertThat(s.assessments().listByTrace(t.traceId())).singleElement().satisfies(a -> {
                    assertThat(a.feedback().error().code()).isEqualTo("RESULT_TOO_LARGE");
                    assertThat(a.feedback().error().message()).contains((HugeResultScorer.SIZE + 2) + " characters");
                });
            }
        }
        assertCommandsWork();
    }

    @Test
    void hugeRowWrittenByAnOlderVersion_isSkipped_andEveryCommandStillWorks() throws Exception {
        List<Trace> big = seed("big", 1, 3);
        seed("clean", 2, 5);
        try (Store s = Stores.open(url())) {
            Assessment a = s.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("huge")
                    .traceId(big.get(0).traceId()).source(AssessmentSource.code("huge")).createTime(Instant.now())
                    .feedback("soon huge").metadata(Assessment.METADATA_SCORER_NAME, "huge")
                    .metadata(Assessment.METADATA_SCORER_VERSION, "1").build())).get(0);
            // what a version without limits wrote: a 50 MB value, over the JSON reader's 20 million characters
            String body = MlflowJson.writeAssessment(a.toBuilder().feedback("x".repeat(50 * 1024 * 1024)).build());
            assertThat(rawUpdate(url() + ";DB_CLOSE_ON_EXIT=FALSE",
                    "UPDATE assessments SET body = ? WHERE assessment_id = ?", body, a.assessmentId())).isEqualTo(1);
        }
        Files.writeString(tmp.resolve("huge.py"), HUGE_SCORER);
        assertThat(run("scorers", "register", "huge", "-e", "big", "--python", tmp.resolve("huge.py").toString())
                .code()).isZero();
        assertCommandsWork();
    }

    @Test
    void undecodableScorerAndJobRows_areSkipped_listsAndMonitorGoOn() throws Exception {
        seed("big", 1, 3);
        for (String name : List.of("good", "bad")) {
            Cli.Result reg = run("scorers", "register", name, "-e", "big", "--java",
                    "dev.vigil.cli.demo.DemoScorers$Concise", "--start", "--sample-rate", "1.0");
            assertThat(reg.code()).as(reg.err()).isZero();
        }
        Cli.Result detached = run("backfill", "-e", "big", "--scorer", "bad", "--from", "1h", "--detach");
        assertThat(detached.code()).as(detached.err()).isZero();
        String job = detached.out().lines().filter(l -> l.startsWith("Backfill job ")).findFirst().orElseThrow()
                .split(" ")[2].replace(":", "");
        // what a damaged row, or a newer version's, may hold (issue #20: one bad row stopped every listing)
        String url = url() + ";DB_CLOSE_ON_EXIT=FALSE";
        assertThat(rawUpdate(url, "UPDATE scorer_versions SET config = ? WHERE name = ?", "{\"class\": ", "bad"))
                .isEqualTo(1);
        assertThat(rawUpdate(url, "UPDATE jobs SET status = ? WHERE job_id = ?", "PAUSED_BY_A_NEWER_VERSION", job))
                .isEqualTo(1);

        Cli.Result list = run("scorers", "list", "-e", "big");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("good").doesNotContain("bad")
                .contains("Skipped 1 unreadable stored row (each logged once with its id).");
        Cli.Result jobs = run("jobs", "-e", "big");
        assertThat(jobs.code()).as(jobs.err()).isZero();
        assertThat(jobs.out()).contains("No jobs in experiment 'big'").contains("Skipped 1 unreadable stored row");
        Cli.Result monitor = run("monitor", "-e", "big", "--duration", "3s", "--status-every", "1s");
        assertThat(monitor.code()).as(monitor.out() + monitor.err()).isZero();
        assertThat(monitor.out()).contains("1 active scorer in experiment 'big': good 100%")
                .contains("Stopped cleanly: 3 traces seen, 3 scored, 0 errors")
                .contains("Skipped 2 unreadable stored rows");
        Cli.Result deleted = run("scorers", "delete", "bad", "-e", "big");
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("Deleted 'bad' (1 version)");
        assertThat(run("scorers", "list", "-e", "big").out()).doesNotContain("Skipped");
    }

    /**
     * Raw SQL behind the store's back. The cli module does not read java.sql, so JDBC is called by reflection
     * (which treats every module as readable).
     */
    private static int rawUpdate(String url, String sql, String first, String second) throws Exception {
        Class<?> dm = Class.forName("java.sql.DriverManager");
        AutoCloseable c = (AutoCloseable) dm.getMethod("getConnection", String.class).invoke(null, url);
        try (c) {
            Class<?> conn = Class.forName("java.sql.Connection");
            AutoCloseable ps = (AutoCloseable) conn.getMethod("prepareStatement", String.class).invoke(c, sql);
            try (ps) {
                Class<?> pst = Class.forName("java.sql.PreparedStatement");
                pst.getMethod("setString", int.class, String.class).invoke(ps, 1, first);
                pst.getMethod("setString", int.class, String.class).invoke(ps, 2, second);
                return (Integer) pst.getMethod("executeUpdate").invoke(ps);
            }
        }
    }

    private void assertCommandsWork() {
        Cli.Result export = run("traces", "export", "-e", "big", "--out", tmp.resolve("export").toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(export.out()).startsWith("Exported 3 traces");

        Cli.Result report = run("report", "-e", "big", "--out", tmp.resolve("report.html").toString(), "--from", "1h");
        assertThat(report.code()).as(report.err()).isZero();

        Cli.Result register = run("scorers", "register", "len", "-e", "big", "--java",
                "dev.vigil.cli.demo.DemoScorers$Concise");
        assertThat(register.code()).as(register.err()).isZero();
        Cli.Result tried = run("scorers", "try", "len", "-e", "big", "--last", "3", "--from", "1d");
        assertThat(tried.code()).as(tried.err()).isZero();

        Cli.Result reg = run("scorers", "register", "clean_len", "-e", "clean", "--java",
                "dev.vigil.cli.demo.DemoScorers$Concise", "--start", "--sample-rate", "1.0");
        assertThat(reg.code()).as(reg.err()).isZero();
        Cli.Result monitor = run("monitor", "-e", "clean", "--duration", "5s", "--status-every", "1s");
        assertThat(monitor.code()).as(monitor.out() + monitor.err()).isZero();
        assertThat(monitor.out()).doesNotContain("tail loop failed").contains("Stopped cleanly");
        assertThat(monitor.err()).doesNotContain("tail loop failed").doesNotContain("not valid JSON");
    }
}
