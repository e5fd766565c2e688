package dev.vigil.cli;

import dev.vigil.cli.io.TraceFiles;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil traces import|export}. */
@Command(name = "traces", mixinStandardHelpOptions = true, description = "Import, export, list, search and show traces (MLflow trace JSON, OTLP).",
        subcommands = {TracesCommand.Import.class, TracesCommand.Export.class, TracesListCommand.class,
                TracesShowCommand.class})
final class TracesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil traces import PATH...}. */
    @Command(name = "import", mixinStandardHelpOptions = true, description = {
            "Import traces from MLflow trace JSON files (a trace, an array of traces, JSON lines) or OTLP/JSON "
                    + "ExportTraceServiceRequest files, or folders of them. Re-importing a trace replaces it."})
    static final class Import implements Callable<Integer> {
        static final int BATCH = 500;

        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (.json, .jsonl, .ndjson, "
                + "those gzip compressed such as Vigil's archive traces.jsonl.gz, OTLP .pb/.binpb); - reads standard input.")
        List<Path> paths;

        @Option(names = "--format", defaultValue = "auto",
                description = "auto (default: OTLP if the file has resourceSpans), mlflow or otlp.")
        TraceFiles.Format format;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open()) {
                Experiment exp = store.experiment(s);
                // Read and check everything first: a bad file stops the import before anything is written.
                List<Trace> read = new ArrayList<>();
                int files = 0;
                for (Path p : paths) {
                    if (p.toString().equals("-")) {
                        read.addAll(TraceFiles.read(System.in, "standard input", format, exp.experimentId()));
                        files++;
                        continue;
                    }
                    for (Path f : TraceFiles.list(p)) {
                        read.addAll(TraceFiles.read(f, format, exp.experimentId()));
                        files++;
                    }
                }
                // one trace per id: a later copy replaces an earlier one, as a re-import would
                Map<String, Trace> byId = new LinkedHashMap<>();
                for (Trace t : read) {
                    byId.remove(t.traceId());
                    byId.put(t.traceId(), t);
                }
                List<Trace> traces = new ArrayList<>(byId.values());
                int duplicates = read.size() - traces.size();
                for (Trace t : traces) {
                    t.validateForStorage();
                }
                long spans = 0;
                int assessments = 0;
                for (int i = 0; i < traces.size(); i += BATCH) {
                    List<Trace> batch = traces.subList(i, Math.min(traces.size(), i + BATCH));
                    s.traces().put(batch);
                    for (Trace t : batch) {
                        spans += t.spans().size();
                        assessments += writeAssessments(s, t);
                    }
                }
                out.printf("Imported %d trace%s (%d spans, %d assessments) from %d file%s into experiment '%s' (%s).%n",
                        traces.size(), traces.size() == 1 ? "" : "s", spans, assessments, files,
                        files == 1 ? "" : "s", exp.name(), s.describe());
                if (duplicates > 0) {
                    out.printf("Skipped %d duplicate cop%s of trace ids in the input: each trace is imported once "
                            + "(its last copy).%n", duplicates, duplicates == 1 ? "y" : "ies");
                }
                return 0;
            }
        }

        /** Assessments in the file: scorer feedback is upserted, others appended unless already stored. */
        private static int writeAssessments(Store s, Trace t) {
            List<Assessment> scorerFeedback = new ArrayList<>();
            List<Assessment> others = new ArrayList<>();
            for (Assessment a : t.info().assessments()) {
                Assessment here = a.traceId().equals(t.traceId()) ? a : a.toBuilder().traceId(t.traceId()).build();
                if (here.scorerName() != null && here.metadata().containsKey(Assessment.METADATA_SCORER_VERSION)) {
                    scorerFeedback.add(here);
                } else {
                    others.add(here);
                }
            }
            if (!scorerFeedback.isEmpty()) {
                s.assessments().upsertScorerFeedback(scorerFeedback);
            }
            if (!others.isEmpty()) {
                Set<String> stored = new HashSet<>();
                s.assessments().listByTrace(t.traceId()).forEach(a -> stored.add(a.assessmentId()));
                for (Assessment a : others) {
                    if (a.assessmentId() == null || !stored.contains(a.assessmentId())) {
                        s.assessments().append(a);
                    }
                }
            }
            return scorerFeedback.size() + others.size();
        }
    }

    /** {@code vigil traces export --out PATH}. */
    @Command(name = "export", mixinStandardHelpOptions = true, description = "Export an experiment's traces, with their assessments, as MLflow trace JSON.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "PATH",
                description = "A folder (one <trace_id>.json per trace), a .json file (an array) or a .jsonl file.")
        Path out;

        @Option(names = "--from", paramLabel = "TIME", converter = TimeArg.Converter.class,
                description = "Earliest request time: ISO instant, date, or age like 2h, 7d.")
        TimeArg from;

        @Option(names = "--to", paramLabel = "TIME", converter = TimeArg.Converter.class,
                description = "Latest request time, exclusive.")
        TimeArg to;

        @Option(names = "--filter", paramLabel = "FILTER",
                description = "Only traces matching an MLflow search_traces filter, e.g. \"trace.status = 'ERROR'\".")
        String filter;

        @Option(names = "--limit", defaultValue = "100000", description = "At most this many traces (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            try (Store s = store.open()) {
                Experiment exp = store.existingExperiment(s);
                Instant f = from == null ? null : from.resolve(clock);
                Instant t = to == null ? null : to.resolve(clock);
                // The filter is applied here, on whole traces with their assessments, so it means the same on
                // every store (not every store evaluates every field).
                TraceFilter tf = filter == null ? TraceFilter.MATCH_ALL : TraceFilter.parse(filter);
                List<Trace> traces = new ArrayList<>();
                String token = null;
                do {
                    TracePage page = s.traces().scan(new TraceQuery(exp.experimentId(), f, t, null), token, 500);
                    for (Trace tr : page.traces()) {
                        Trace full = tr.withAssessments(s.assessments().listByTrace(tr.traceId()));
                        if (traces.size() < limit && tf.test(full)) {
                            traces.add(full);
                        }
                    }
                    token = page.nextPageToken();
                } while (token != null && traces.size() < limit);
                List<Path> written = TraceFiles.write(traces, out);
                spec.commandLine().getOut().printf("Exported %d trace%s from experiment '%s' to %s%s.%n", traces.size(),
                        traces.size() == 1 ? "" : "s", exp.name(), out,
                        written.size() > 1 ? " (" + written.size() + " files)" : "");
                return 0;
            }
        }
    }
}
