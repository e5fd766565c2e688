package dev.vigil.cli;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vigil traces list|search [--filter F] [--from T] [--to T] [--limit N]}: an experiment's traces, newest
 * first, as MLflow's {@code search_traces} lists them; the filter uses MLflow's grammar and sees each trace with its
 * assessments.
 */
@Command(name = "list", aliases = "search", mixinStandardHelpOptions = true,
        description = "List an experiment's traces, newest first (also 'vigil traces search'); with --filter, only "
                + "those matching an MLflow search_traces filter. 'vigil traces show ID' prints one with its assessments.")
final class TracesListCommand implements Callable<Integer> {

    static final int PAGE = 500;

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Option(names = "--filter", paramLabel = "FILTER",
            description = "An MLflow search_traces filter, e.g. \"trace.status = 'ERROR'\" or \"feedback.is_english = 'false'\".")
    String filter;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArg.Converter.class,
            description = "Earliest request time: ISO instant, date, or age like 2h, 7d (default: all).")
    TimeArg from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeArg.Converter.class,
            description = "Latest request time, exclusive (default: now and later).")
    TimeArg to;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
            description = "At most this many, the newest (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new UserError("--limit " + limit + ": give how many traces to list, 1 or more");
        }
        TraceFilter tf = filter == null || filter.isBlank() ? null : TraceFilter.parse(filter);
        Clock clock = Clock.systemUTC();
        PrintWriter out = spec.commandLine().getOut();
        try (Store s = store.open()) {
            Experiment exp = store.existingExperiment(s);
            Instant f = from == null ? null : from.resolve(clock);
            Instant t = to == null ? null : to.resolve(clock);
            // the scan runs oldest first: keep the newest `limit` matches
            Deque<Trace> newest = new ArrayDeque<>();
            long matched = 0;
            String token = null;
            do {
                TracePage page = s.traces().scan(new TraceQuery(exp.experimentId(), f, t, null), token, PAGE);
                for (Trace tr : page.traces()) {
                    Trace full = tf == null ? tr : tr.withAssessments(s.assessments().listByTrace(tr.traceId()));
                    if (tf == null || tf.test(full)) {
                        matched++;
                        newest.addLast(full);
                        if (newest.size() > limit) {
                            newest.removeFirst();
                        }
                    }
                }
                token = page.nextPageToken();
            } while (token != null);
            List<Trace> rows = new ArrayList<>(newest);
            Collections.reverse(rows);
            if (rows.isEmpty()) {
                out.println("No traces in experiment '" + exp.name() + "'" + (tf == null ? "" : " match the filter")
                        + (f == null && t == null ? "" : " in that time range") + ".");
                return 0;
            }
            Table table = new Table("TRACE", "TIME", "STATE", ">DURATION", ">SPANS", ">ASSESSMENTS", "REQUEST");
            for (Trace tr : rows) {
                int assessments = tf == null ? s.assessments().listByTrace(tr.traceId()).size()
                        : tr.info().assessments().size();
                table.row(tr.traceId(), tr.info().requestTime(), tr.info().state().name(),
                        tr.info().executionDurationMs() == null ? "" : tr.info().executionDurationMs() + " ms",
                        tr.spans().size(), assessments, oneLine(tr.info().requestPreview(), 60));
            }
            table.print(out);
            out.println(String.format(Locale.ROOT, "%d of %s in experiment '%s', newest first%s.", rows.size(),
                    ScorersCommand.plural(matched, tf == null ? "trace" : "matching trace"), exp.name(),
                    rows.size() < matched ? " (more with --limit " + Math.min(matched, 1000) + ")" : ""));
            return 0;
        }
    }

    static String oneLine(String s, int max) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
