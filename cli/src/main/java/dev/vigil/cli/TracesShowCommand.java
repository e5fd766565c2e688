package dev.vigil.cli;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil traces show ID [--json]}: one trace, its span tree and its assessments (scorer feedback included). */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Print a trace: its info, span tree and assessments (feedback of every scorer, expectations).")
final class TracesShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Parameters(index = "0", paramLabel = "TRACE_ID", description = "The trace id (see 'vigil traces list').")
    String traceId;

    @Option(names = "--json", description = "Print the trace as MLflow trace JSON, with its assessments.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Store s = store.open()) {
            Trace stored = s.traces().get(traceId).orElseThrow(() -> new UserError("no trace '" + traceId + "' in "
                    + s.describe() + "; 'vigil traces list -e EXPERIMENT' lists the newest"));
            List<Assessment> assessments = new ArrayList<>(s.assessments().listByTrace(traceId));
            Trace trace = stored.withAssessments(assessments);
            if (json) {
                out.println(MlflowJson.writeTrace(trace));
                return 0;
            }
            TraceInfo i = trace.info();
            String experiment = s.experiments().get(i.experimentId()).map(e -> e.name()).orElse(i.experimentId());
            out.println("trace:      " + i.traceId());
            out.println("experiment: " + experiment);
            out.println("time:       " + i.requestTime());
            out.println("state:      " + i.state().name());
            out.println("duration:   " + (i.executionDurationMs() == null ? "(unknown)" : i.executionDurationMs() + " ms"));
            out.println("request:    " + TracesListCommand.oneLine(i.requestPreview(), 200));
            out.println("response:   " + TracesListCommand.oneLine(i.responsePreview(), 200));
            if (!i.tags().isEmpty()) {
                out.println("tags:       " + Json.write(i.tags()));
            }
            if (!i.traceMetadata().isEmpty()) {
                out.println("metadata:   " + Json.write(i.traceMetadata()));
            }
            out.println();
            printSpans(out, trace.spans());
            out.println();
            printAssessments(out, assessments);
            return 0;
        }
    }

    private static void printSpans(PrintWriter out, List<Span> spans) {
        if (spans.isEmpty()) {
            out.println("No spans.");
            return;
        }
        Map<String, List<Span>> children = new LinkedHashMap<>();
        List<Span> roots = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        spans.forEach(sp -> ids.add(sp.spanId()));
        List<Span> sorted = spans.stream().sorted(Comparator.comparingLong(Span::startTimeUnixNano)).toList();
        for (Span sp : sorted) {
            if (sp.parentSpanId() == null || sp.parentSpanId().isEmpty() || !ids.contains(sp.parentSpanId())) {
                roots.add(sp);
            } else {
                children.computeIfAbsent(sp.parentSpanId(), k -> new ArrayList<>()).add(sp);
            }
        }
        Table t = new Table("SPAN", "TYPE", ">DURATION", "STATUS");
        for (Span r : roots) {
            addSpan(t, r, children, 0);
        }
        t.print(out);
    }

    private static void addSpan(Table t, Span sp, Map<String, List<Span>> children, int depth) {
        long ms = Math.max(0, sp.endTimeUnixNano() - sp.startTimeUnixNano()) / 1_000_000;
        String status = sp.status().code().name() + (sp.status().message().isEmpty() ? ""
                : ": " + TracesListCommand.oneLine(sp.status().message(), 60));
        t.row("  ".repeat(depth) + sp.name(), sp.spanType(), ms + " ms", status);
        for (Span c : children.getOrDefault(sp.spanId(), List.of())) {
            addSpan(t, c, children, depth + 1);
        }
    }

    private static void printAssessments(PrintWriter out, List<Assessment> assessments) {
        if (assessments.isEmpty()) {
            out.println("No assessments yet (scorers add feedback as they score; 'vigil scorers try NAME' runs one now).");
            return;
        }
        assessments.sort(Comparator.comparing(Assessment::name).thenComparing(a -> a.createTime()));
        Table t = new Table("ASSESSMENT", "VALUE", "SOURCE", "SCORER", "RATIONALE");
        for (Assessment a : assessments) {
            String value;
            String why = a.rationale();
            if (a.value() instanceof FeedbackValue f && f.isError()) {
                value = "error " + f.error().code();
                why = f.error().message();
            } else if (a.value() instanceof FeedbackValue f) {
                value = f.value() instanceof String str ? str : Json.write(f.value());
            } else if (a.value() instanceof ExpectationValue e) {
                value = "expected " + (e.value() instanceof String str ? str : Json.write(e.value()));
            } else {
                value = String.valueOf(a.value());
            }
            String scorer = a.scorerName() == null ? "" : a.scorerName()
                    + (a.metadata().containsKey(Assessment.METADATA_SCORER_VERSION) ? " v" + a.scorerVersion() : "");
            t.row(a.name() + (a.valid() ? "" : " (overridden)"), TracesListCommand.oneLine(value, 40),
                    a.source().type().name() + (a.source().sourceId().isEmpty() ? "" : ":" + a.source().sourceId()),
                    scorer, TracesListCommand.oneLine(why, 80));
        }
        t.print(out);
    }
}
