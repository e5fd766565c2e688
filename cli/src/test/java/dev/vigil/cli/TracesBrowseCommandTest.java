package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.io.TraceArchive;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil traces list|search|show}, {@code vigil experiments list} and importing Vigil's own archives. */
class TracesBrowseCommandTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private List<Trace> seed(String experiment, int n) {
        Experiment e = store.experiments().getOrCreate(experiment);
        List<Trace> traces = new TraceGenerator(experiment.hashCode(), e.experimentId()).errorRate(0.3).traces(n);
        store.traces().put(traces);
        return traces;
    }

    private static List<String> idColumn(String out) {
        return out.lines().skip(1).filter(l -> l.startsWith("tr-")).map(l -> l.split("\\s+")[0]).toList();
    }

    @Test
    void list_printsTheNewestFirst_uptoTheLimit() {
        List<Trace> traces = seed("gen", 30);
        List<String> newest = traces.stream().sorted(Comparator.comparing((Trace t) -> t.info().requestTime())
                .thenComparing(Trace::traceId).reversed()).limit(5).map(Trace::traceId).toList();

        Cli.Result r = cli.run("traces", "list", "-e", "gen", "--limit", "5");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("TRACE").contains("STATE").contains("ASSESSMENTS");
        assertThat(idColumn(r.out())).isEqualTo(newest);
        assertThat(r.out()).contains("5 of 30 traces in experiment 'gen', newest first (more with --limit 30).");
    }

    @Test
    void search_withAnMlflowFilter_listsOnlyMatchingTraces_includingOnFeedback() {
        List<Trace> traces = seed("gen", 30);
        List<String> errors = traces.stream().filter(t -> t.info().state() == TraceState.ERROR).map(Trace::traceId).toList();
        assertThat(errors).isNotEmpty().hasSizeLessThan(30);
        Trace judged = traces.get(3);
        store.assessments().append(Assessment.builder().name("is_english").traceId(judged.traceId())
                .source(AssessmentSource.code("is_english")).createTime(Instant.parse("2026-11-28T10:00:00Z"))
                .feedback(false).build());

        Cli.Result byStatus = cli.run("traces", "search", "-e", "gen", "--filter", "trace.status = 'ERROR'", "--limit", "100");
        Cli.Result byFeedback = cli.run("traces", "search", "-e", "gen", "--filter", "feedback.is_english = 'false'");

        assertThat(byStatus.code()).as(byStatus.err()).isZero();
        assertThat(idColumn(byStatus.out())).containsExactlyInAnyOrderElementsOf(errors);
        assertThat(byStatus.out()).contains(errors.size() + " of " + errors.size() + " matching trace");
        assertThat(byFeedback.code()).as(byFeedback.err()).isZero();
        assertThat(idColumn(byFeedback.out())).containsExactly(judged.traceId());
    }

    @Test
    void search_withABadFilter_pointsAtTheColumn_inTwoOrThreeLines() {
        seed("gen", 3);

        Cli.Result r = cli.run("traces", "search", "-e", "gen", "--filter", "trace.status == 'ERROR'");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("invalid filter at column").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(3);
    }

    @Test
    void show_printsTheTraceWithItsSpansAndEveryAssessment() {
        Trace t = seed("gen", 3).get(0);
        store.assessments().append(Assessment.builder().name("thumbs").traceId(t.traceId())
                .source(AssessmentSource.human("ann")).createTime(Instant.parse("2026-11-28T10:00:00Z"))
                .feedback(false).rationale("wrong answer").build());
        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("safety").traceId(t.traceId())
                .source(AssessmentSource.llmJudge("openai:/gpt-4o-mini")).createTime(Instant.parse("2026-11-28T10:01:00Z"))
                .error(new AssessmentError("RATE_LIMITED", "429 from the provider", null))
                .metadata(Assessment.METADATA_SCORER_NAME, "safety").metadata(Assessment.METADATA_SCORER_VERSION, "2")
                .build()));

        Cli.Result r = cli.run("traces", "show", t.traceId());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trace:      " + t.traceId()).contains("experiment: gen")
                .contains("state:      " + t.info().state().name()).contains("SPAN").contains(t.spans().get(0).name());
        List<String> rows = r.out().lines().dropWhile(l -> !l.startsWith("ASSESSMENT")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).startsWith("safety").contains("error RATE_LIMITED").contains("safety v2")
                .contains("429 from the provider");
        assertThat(rows.get(2)).startsWith("thumbs").contains("false").contains("HUMAN:ann").contains("wrong answer");
    }

    @Test
    void showJson_printsMlflowTraceJsonWithTheAssessments() {
        Trace t = seed("gen", 1).get(0);
        store.assessments().append(Assessment.builder().name("thumbs").traceId(t.traceId())
                .source(AssessmentSource.human("ann")).createTime(Instant.parse("2026-11-28T10:00:00Z"))
                .feedback(true).build());

        Cli.Result r = cli.run("traces", "show", t.traceId(), "--json");

        assertThat(r.code()).as(r.err()).isZero();
        Trace back = MlflowJson.readTrace(r.out());
        assertThat(back.traceId()).isEqualTo(t.traceId());
        assertThat(back.info().assessments()).singleElement().satisfies(a -> assertThat(a.name()).isEqualTo("thumbs"));
    }

    @Test
    void showOfAnUnknownTrace_saysHowToFindOne() {
        Cli.Result r = cli.run("traces", "show", "tr-nope");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("vigil: no trace 'tr-nope' in " + store.describe()
                + "; 'vigil traces list -e EXPERIMENT' lists the newest\n");
    }

    @Test
    void experimentsList_namesEachWithItsTracesAndScorers() {
        seed("beta", 4);
        seed("alpha", 2);
        cli.run("scorers", "register", "c", "-e", "alpha", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");

        Cli.Result r = cli.run("experiments", "list");

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("NAME").contains("TRACES").contains("SCORERS");
        assertThat(lines.get(1)).startsWith("alpha").containsPattern("\\s2\\s+1$");
        assertThat(lines.get(2)).startsWith("beta").containsPattern("\\s4\\s+0$");
    }

    @Test
    void importOfVigilsOwnArchive_readsTheGzipDayFiles_fileOrFolder(@TempDir Path tmp) throws Exception {
        List<Trace> traces = seed("prod", 12);
        Experiment prod = store.experiments().findByName("prod").orElseThrow();
        Path archive = tmp.resolve("archive");
        // written twice: the second run appends a gzip member, as the archive does from run to run
        TraceArchive.archive(prod.experimentId(), traces.subList(0, 6), archive);
        TraceArchive.Result second = TraceArchive.archive(prod.experimentId(), traces, archive);
        Path oneDay = second.files().get(0);

        Cli.Result folder = cli.run("traces", "import", "-e", "restored", archive.toString());

        assertThat(folder.code()).as(folder.err()).isZero();
        assertThat(folder.out()).startsWith("Imported 12 traces");
        assertThat(store.traces().count(store.experiments().findByName("restored").orElseThrow().experimentId()))
                .isEqualTo(12);

        Cli.Result file = cli.run("traces", "import", "-e", "oneday", oneDay.toString());

        assertThat(file.code()).as(file.err()).isZero();
        assertThat(file.out()).startsWith("Imported ").contains("from 1 file into experiment 'oneday'");
    }

    @Test
    void importFromStandardInput_readsJsonLines_gzippedOrNot() throws Exception {
        List<Trace> traces = seed("src", 3);
        StringBuilder lines = new StringBuilder();
        traces.forEach(t -> lines.append(MlflowJson.writeTrace(t).replace("\n", " ")).append('\n'));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(lines.toString().getBytes(StandardCharsets.UTF_8));
        }

        Cli.Result plain = withStdin(lines.toString().getBytes(StandardCharsets.UTF_8),
                () -> cli.run("traces", "import", "-e", "piped", "-"));
        Cli.Result zipped = withStdin(gz.toByteArray(), () -> cli.run("traces", "import", "-e", "zipped", "-"));

        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).startsWith("Imported 3 traces").contains("from 1 file into experiment 'piped'");
        assertThat(zipped.code()).as(zipped.err()).isZero();
        assertThat(store.traces().count(store.experiments().findByName("zipped").orElseThrow().experimentId())).isEqualTo(3);
    }

    @Test
    void duplicateTraceIdsInOneImport_areCountedOnce(@TempDir Path tmp) throws Exception {
        Trace t = seed("src", 1).get(0);
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        Files.writeString(a, MlflowJson.writeTrace(t));
        Files.writeString(b, MlflowJson.writeTrace(t));

        Cli.Result r = cli.run("traces", "import", "-e", "dups", a.toString(), b.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Imported 1 trace (").contains("from 2 files")
                .contains("Skipped 1 duplicate copy of trace ids in the input");
        assertThat(store.traces().count(store.experiments().findByName("dups").orElseThrow().experimentId())).isEqualTo(1);
    }

    @Test
    void importOfAHugeExecutionDuration_isRefusedWithTheAllowedRange_andNothingIsStored(@TempDir Path tmp) throws Exception {
        Trace t = seed("src", 1).get(0);
        String json = MlflowJson.writeTrace(t).replaceFirst("\"execution_duration_ms\"\\s*:\\s*\\d+", "\"execution_duration_ms\": 1e30");
        assertThat(json).contains("1e30");
        Path f = tmp.resolve("huge.json");
        Files.writeString(f, json);

        Cli.Result r = cli.run("traces", "import", "-e", "huge", f.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: " + f + ": ").contains("execution_duration_ms")
                .contains("must be an integer between").contains("1E+30").doesNotContain("\tat ");
        assertThat(store.experiments().findByName("huge").map(e -> store.traces().count(e.experimentId()))).contains(0L);
    }

    private static Cli.Result withStdin(byte[] bytes, java.util.function.Supplier<Cli.Result> run) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(bytes));
        try {
            return run.get();
        } finally {
            System.setIn(before);
        }
    }
}
