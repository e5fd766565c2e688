package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.io.TraceArchive;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Fixtures;
import dev.vigil.testkit.TraceGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveAndReportCommandTest {

    private static final Instant DAY1 = Instant.parse("2026-11-20T22:00:00Z");

    @Test
    void archive_writesOneGzipFilePerDay_andAddsNothingTheSecondTime(@TempDir Path tmp) throws Exception {
        try (Store store = Stores.open("memory:")) {
            Experiment e = store.experiments().getOrCreate("default");
            // 50 traces, one every 5 minutes from 22:00: 24 on the first day, 26 on the second
            List<Trace> traces = new TraceGenerator(5, e.experimentId(), DAY1, Duration.ofMinutes(5)).traces(50);
            store.traces().put(traces);
            Cli cli = Cli.on(store);
            Path dir = tmp.resolve("archive");

            Cli.Result first = cli.run("archive", "--to", dir.toString());
            Cli.Result second = cli.run("archive", "--to", dir.toString());

            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).isEqualTo("Archived 50 traces of experiment 'default' to " + dir
                    + " (2 day files written, 0 already archived).\n");
            assertThat(second.out()).isEqualTo("Archived 0 traces of experiment 'default' to " + dir
                    + " (0 day files written, 50 already archived).\n");
            Path base = dir.resolve("experiment=" + e.experimentId());
            long day1 = traces.stream().filter(t -> t.info().requestTime().isBefore(Instant.parse("2026-11-21T00:00:00Z"))).count();
            assertThat(TraceArchive.ids(base.resolve("date=2026-11-20").resolve(TraceArchive.FILE_NAME))).hasSize((int) day1);
            assertThat(TraceArchive.ids(base.resolve("date=2026-11-21").resolve(TraceArchive.FILE_NAME))).hasSize(50 - (int) day1);
        }
    }

    @Test
    void archive_onAFileStore_usesItsArchival_andContinuousNeedsOne(@TempDir Path tmp) {
        String fs = "fs:" + tmp.resolve("store");
        Cli cli = Cli.real();
        Cli.Result imported = cli.run("traces", "import", "--store", fs,
                Fixtures.root().resolve("otlp/derived_otlp_json_openlit_genai.json").toString());
        assertThat(imported.code()).as(imported.err()).isZero();

        Cli.Result r = cli.run("archive", "--store", fs, "--to", tmp.resolve("archive").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Archived 1 trace of experiment 'default'");
        assertThat(Files.exists(tmp.resolve("archive"))).isTrue();

        Cli.Result on = cli.run("archive", "--store", fs, "--to", tmp.resolve("archive").toString(), "--continuous");
        assertThat(on.out()).startsWith("Continuous archival of experiment 'default' to ");

        try (Store memory = Stores.open("memory:")) {
            memory.experiments().getOrCreate("default");
            Cli.Result notFs = Cli.on(memory).run("archive", "--continuous", "--to", tmp.resolve("a").toString());
            assertThat(notFs.code()).isEqualTo(2);
            assertThat(notFs.err()).startsWith("vigil: continuous archival needs a file store (--store fs:/some/dir)");
        }
    }

    @Test
    void report_fromTheStore_showsEveryScorerItsFailuresAndConfiguration(@TempDir Path tmp) throws Exception {
        try (Store store = Stores.open("memory:")) {
            Experiment e = store.experiments().getOrCreate("default");
            Instant start = Instant.now().minusSeconds(60);
            store.traces().put(new TraceGenerator(9, e.experimentId(), start, Duration.ofMillis(300)).errorRate(0.2).traces(150));
            Cli cli = Cli.on(store);
            cli.run("scorers", "register", "fast_enough", "--java", "dev.vigil.cli.demo.DemoScorers$FastEnough",
                    "--start", "--sample-rate", "0.5", "--filter", "trace.status = 'OK'");
            cli.run("scorers", "register", "concise", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");
            assertThat(cli.run("backfill", "--scorer", "fast_enough", "--scorer", "concise:1", "--from", "5m").code()).isZero();
            Path html = tmp.resolve("out/report.html");

            Cli.Result r = cli.run("report", "--out", html.toString(), "--from", "10m");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo("Wrote " + html + " (open it in a browser; it needs no network).\n");
            String page = Files.readString(html);
            assertThat(page).contains("data-scorer=\"fast_enough\"").contains("data-scorer=\"concise\"")
                    .contains("trace.status = &#39;OK&#39;").contains("dev.vigil.cli.demo.DemoScorers$Concise")
                    .contains("<div class=\"v\">150</div><div class=\"l\">traces</div>")
                    .containsPattern("<circle class=\"point\"");
        }
    }
}
