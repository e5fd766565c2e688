package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.Fixtures;
import dev.vigil.testkit.TraceGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracesCommandTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private Experiment exp(String name) {
        return store.experiments().findByName(name).orElseThrow();
    }

    @Test
    void importOtlpFolder_storesOneTracePerOtlpTraceId_withGenAiContent() {
        Path otlp = Fixtures.root().resolve("otlp");
        Cli.Result r = cli.run("traces", "import", "-e", "otel", "--format", "auto",
                otlp.resolve("derived_otlp_json_openlit_genai.json").toString(),
                otlp.resolve("derived_otlp_json_traceloop_genai.json").toString(),
                otlp.resolve("langfuse_openlit_resourcespan_protobufjs.json").toString(),
                otlp.resolve("langfuse_traceloop_openllmetry_resourcespan_protobufjs.json").toString(),
                otlp.resolve("otel_proto_examples_trace.json").toString());

        // derived openlit + protobuf.js openlit are the same trace; re-import replaces it, nothing is doubled
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Imported 3 traces").contains("from 5 files into experiment 'otel'")
                .contains("Skipped 2 duplicate copies of trace ids in the input");
        assertThat(store.traces().count(exp("otel").experimentId())).isEqualTo(3);
        Trace openlit = store.traces().get("tr-ea673708441c2984a54a3e3962d3595f").orElseThrow();
        assertThat(openlit.spans().get(0).spanType()).isEqualTo(SpanTypes.CHAT_MODEL);
        assertThat(openlit.info().requestPreview()).contains("What is LLM Observability?");
    }

    @Test
    void importFolderOfSchemas_isRefusedNamingTheFileThatIsNotATrace() {
        Cli.Result r = cli.run("traces", "import", "-e", "otel", Fixtures.root().resolve("otlp").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("semconv-genai").contains("has no \"info\" object");
        assertThat(store.experiments().findByName("otel").map(e -> store.traces().count(e.experimentId())))
                .contains(0L);
    }

    @Test
    void importMlflowTraces_thenExport_roundTripsTracesAndAssessments(@TempDir Path tmp) throws Exception {
        Path in = Fixtures.root().resolve("mlflow-traces");
        Cli.Result imported = cli.run("traces", "import", "-e", "agents", in.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        // both real traces carry the redacted id "<redacted>": imported once, the later copy kept
        assertThat(imported.out()).startsWith("Imported 1 trace (").contains(" from 2 files")
                .contains("Skipped 1 duplicate copy of trace ids in the input");
        Experiment e = exp("agents");
        List<Trace> stored = store.traces().scan(dev.vigil.spi.store.TraceQuery.all(e.experimentId()), null, 100).traces();
        assertThat(stored).hasSize(1);
        Trace first = stored.get(0);
        store.assessments().append(Assessment.builder().name("thumbs").traceId(first.traceId())
                .source(AssessmentSource.human("ann")).createTime(Instant.parse("2026-11-28T10:00:00Z"))
                .feedback(false).rationale("wrong answer").build());

        Path out = tmp.resolve("export");
        Cli.Result r = cli.run("traces", "export", "-e", "agents", "--out", out.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Exported 1 trace from experiment 'agents' to " + out + ".\n");
        Path file = out.resolve("_redacted_.json");
        Trace back = MlflowJson.readTrace(Files.readString(file));
        assertThat(back.spans()).isEqualTo(first.spans());
        assertThat(back.info().assessments()).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("thumbs");
            assertThat(a.rationale()).isEqualTo("wrong answer");
        });

        // importing the export into another experiment brings the human feedback along, once
        assertThat(cli.run("traces", "import", "-e", "copy", out.toString()).code()).isZero();
        assertThat(cli.run("traces", "import", "-e", "copy", out.toString()).code()).isZero();
        assertThat(store.assessments().listByTrace(first.traceId())).hasSize(1);
    }

    @Test
    void export_withFilterAndJsonlFile_writesOnlyMatchingTraces(@TempDir Path tmp) throws Exception {
        Experiment e = store.experiments().getOrCreate("gen");
        TraceGenerator gen = new TraceGenerator(7, e.experimentId()).errorRate(0.3);
        List<Trace> traces = gen.traces(40);
        store.traces().put(traces);
        long errors = traces.stream().filter(t -> t.info().state() == dev.vigil.spi.model.TraceState.ERROR).count();
        assertThat(errors).isBetween(1L, 39L);

        Path out = tmp.resolve("errors.jsonl");
        Cli.Result r = cli.run("traces", "export", "-e", "gen", "--filter", "trace.status = 'ERROR'", "-o", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        try (Stream<String> lines = Files.lines(out)) {
            assertThat(lines.map(MlflowJson::readTrace).map(t -> t.info().state()).toList())
                    .hasSize((int) errors).containsOnly(dev.vigil.spi.model.TraceState.ERROR);
        }
    }

    @Test
    void importOfABadFile_writesNothing_andSaysWhichFileAndWhy(@TempDir Path tmp) throws Exception {
        Files.copy(Fixtures.path("otlp/otel_proto_examples_trace.json"), tmp.resolve("a.json"));
        Files.writeString(tmp.resolve("b.json"), "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\": \"xyz\"}]}]}]}");

        Cli.Result r = cli.run("traces", "import", "-e", "bad", tmp.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: " + tmp.resolve("b.json") + ": OTLP traceId \"xyz\" is neither")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        assertThat(store.traces().count(exp("bad").experimentId())).isZero();
    }
}
