package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TraceQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command, run briefly. */
class DemoCommandTest {

    @Test
    void demo_logsTracesScoresThemLive_printsTheTable_backfills_andWritesTheReport(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("demo.html");
        try (Store store = Stores.open("memory:demo")) {
            Cli.Result r = Cli.on(store).run("demo", "--duration", "3s", "--rate", "20", "--out", report.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Vigil demo: a simulated RAG chatbot and tool agent log traces to experiment 'vigil-demo'");
            assertThat(r.out()).containsPattern("LLM judges (skipped|on )");
            assertThat(r.out()).contains("Started 8 scorers: is_english, no_secrets, fast_enough, grounding, "
                    + "tools_succeeded, databricks_mentions, response_length, response_relevance_score.");
            assertThat(r.out()).contains("SCORER").contains("VALUE [95% CI]");
            for (String scorer : List.of("is_english", "no_secrets", "response_length", "databricks_mentions")) {
                assertThat(r.out()).containsPattern("(?m)^" + scorer + " +(java|python) +\\d+% +\\d+ +\\d+ +[1-9]\\d* +\\d+ +(pass|mean) ");
            }
            // no scorer of the demo is designed to fail: the ERRORS column is 0 for every one (the seed's Python
            // scorers see Python dicts and sample successful traces only)
            for (String scorer : List.of("is_english", "no_secrets", "fast_enough", "grounding", "tools_succeeded",
                    "databricks_mentions", "response_length", "response_relevance_score")) {
                assertThat(r.out()).as("errors of %s", scorer)
                        .containsPattern("(?m)^" + scorer + " +(java|python) +\\d+% +\\d+ +\\d+ +\\d+ +0 ");
            }
            assertThat(r.out()).containsPattern("100%  scanned (\\d+)/\\1  scored \\d+ .* succeeded  job backfill-");
            assertThat(r.out()).contains("Report: " + report.toAbsolutePath());
            assertThat(r.out()).contains("Monitor 'is-english-pass-rate' version 1: pass_rate of is_english over 1h")
                    .containsPattern("  state: (OK|WARNING|CRITICAL) since .*, pass rate [0-9.]+ \\[[0-9.]+, [0-9.]+\\] "
                            + "from \\d+ traces");

            Experiment e = store.experiments().findByName("vigil-demo").orElseThrow();
            long traces = store.traces().count(e.experimentId());
            assertThat(traces).isBetween(40L, 80L); // 20 per second for 3 seconds
            List<ScorerVersion> scorers = store.scorers().list(e.experimentId());
            assertThat(scorers).extracting(ScorerVersion::name).contains("is_english", "response_length", "concise");
            var all = store.traces().scan(TraceQuery.all(e.experimentId()), null, 1000).traces();
            // every trace got its 100% scorers, and the backfill scored 'concise' on every one
            assertThat(all).allSatisfy(t -> assertThat(store.assessments().listByTrace(t.traceId()))
                    .extracting(a -> a.scorerName()).contains("is_english", "no_secrets", "concise"));
            List<Job> jobs = store.jobs().list(e.experimentId());
            assertThat(jobs).singleElement().satisfies(j -> assertThat(j.status()).isEqualTo(JobStatus.SUCCEEDED));
        }
        String html = Files.readString(report);
        assertThat(html).contains("Quality report: <span class=\"exp\">vigil-demo</span>")
                .contains("data-scorer=\"is_english\"").contains("data-scorer=\"concise\"");
        // the report the demo wrote opens in a browser without errors, its charts drawn from the run's data
        Chromium.Page page = Chromium.load(report, tmp);
        assertThat(page.console()).isEmpty();
        assertThat(page.dom()).contains("data-vigil-report=\"ready\"").contains("<circle class=\"point\"");
    }
}
