package dev.vigil.cli;

import dev.vigil.cli.io.TraceArchive;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.storage.fs.ArchiveResult;
import dev.vigil.storage.fs.FsStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil archive --to DIR}: traces with their assessments to gzip JSON Lines, one file per day. */
@Command(name = "archive", mixinStandardHelpOptions = true, description = {
        "Archive an experiment's traces with their assessments to DIR/experiment=<id>/date=<yyyy-MM-dd>/"
                + "traces.jsonl.gz (MLflow trace JSON per line). Archiving a range twice adds nothing the second "
                + "time. On an fs: store, --continuous DIR keeps archiving in the background."})
final class ArchiveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Option(names = "--to", paramLabel = "DIR", description = "The archive directory.")
    Path to;

    @Option(names = "--from", defaultValue = "3650d", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "Earliest request time (default: everything).")
    TimeArg from;

    @Option(names = "--until", defaultValue = "now", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "Latest request time, exclusive (default ${DEFAULT-VALUE}); e.g. 30d archives what is older than 30 days.")
    TimeArg until;

    @Option(names = "--continuous", description = "fs: stores only: archive to --to continuously, in the background.")
    boolean continuous;

    @Option(names = "--no-continuous", description = "fs: stores only: stop continuous archival.")
    boolean stopContinuous;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = Clock.systemUTC();
        try (Store s = store.open()) {
            Experiment exp = store.existingExperiment(s);
            if (continuous || stopContinuous) {
                if (!(s instanceof FsStore fs)) {
                    throw new UserError("continuous archival needs a file store (--store fs:/some/dir); "
                            + s.describe() + " is not one. Run 'vigil archive --to DIR' on a schedule instead.");
                }
                if (stopContinuous) {
                    fs.disableContinuousArchival(exp.experimentId());
                    out.println("Continuous archival of experiment '" + exp.name() + "' is off.");
                    return 0;
                }
                requireTarget();
                fs.enableContinuousArchival(exp.experimentId(), to);
                out.println("Continuous archival of experiment '" + exp.name() + "' to " + to
                        + " is on (settled traces, in the background while the store is open).");
                return 0;
            }
            requireTarget();
            Instant f = from.resolve(clock);
            Instant u = until.resolve(clock).plusMillis(until.instant() == null ? 1 : 0);
            long written;
            long already;
            int files;
            if (s instanceof FsStore fs) {
                ArchiveResult r = fs.archive(exp.experimentId(), to, f, u);
                written = r.written();
                already = r.alreadyArchived();
                files = r.files().size();
            } else {
                List<Trace> traces = new ArrayList<>();
                String token = null;
                do {
                    TracePage page = s.traces().scan(new TraceQuery(exp.experimentId(), f, u, null), token, 500);
                    for (Trace t : page.traces()) {
                        traces.add(t.withAssessments(s.assessments().listByTrace(t.traceId())));
                    }
                    token = page.nextPageToken();
                } while (token != null);
                TraceArchive.Result r = TraceArchive.archive(exp.experimentId(), traces, to);
                written = r.written();
                already = r.alreadyArchived();
                files = r.files().size();
            }
            out.printf("Archived %d trace%s of experiment '%s' to %s (%d day file%s written, %d already archived).%n",
                    written, written == 1 ? "" : "s", exp.name(), to, files, files == 1 ? "" : "s", already);
            return 0;
        }
    }

    private void requireTarget() {
        if (to == null) {
            throw new UserError("give the archive directory with --to DIR");
        }
    }
}
