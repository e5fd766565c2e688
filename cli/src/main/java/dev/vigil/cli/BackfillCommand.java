package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
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

/** {@code vigil backfill --scorer NAME[:RATE]... --from --to}: score history, with a live progress bar. */
@Command(name = "backfill", mixinStandardHelpOptions = true, description = {
        "Score past traces with registered scorers, in a job that is saved as it goes: Ctrl-C leaves it to be "
                + "resumed ('vigil jobs resume ID'). Shows a live progress bar (scanned / scored / rate / ETA)."})
final class BackfillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Option(names = "--scorer", required = true, paramLabel = "NAME[:RATE]",
            description = "A registered scorer, optionally with the sample rate to backfill at (default: its current rate). Repeatable.")
    List<String> scorers;

    @Option(names = "--from", defaultValue = "24h", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "Earliest request time (default ${DEFAULT-VALUE} ago).")
    TimeArg from;

    @Option(names = "--to", defaultValue = "now", converter = TimeArg.Converter.class, paramLabel = "TIME",
            description = "Latest request time, exclusive (default ${DEFAULT-VALUE}).")
    TimeArg to;

    @Option(names = "--dry-run", description = "Start nothing: show the traces and judge calls the backfill would make, "
            + "its estimated tokens and cost (mean usage of the scorer's feedback so far) and the budgets it falls under.")
    boolean dryRun;

    @Option(names = "--detach", description = "Save the job and return at once; 'vigil monitor' or 'vigil jobs resume ID' runs it.")
    boolean detach;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<BackfillScorer> configs = new ArrayList<>();
        for (String s : scorers) {
            configs.add(parse(s));
        }
        Clock clock = Clock.systemUTC();
        Instant start = from.resolve(clock);
        Instant end = to.resolve(clock).plusMillis(to.instant() == null ? 1 : 0);
        try (StopSignal stop = new StopSignal()) {
            try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
                ExperimentHandle exp = vigil.experiment(store.experiment);
                // session-level scorers score whole sessions, at once, here; the others go to a trace backfill job
                List<BackfillScorer> sessionLevel = configs.stream().filter(c -> exp.scorers().find(c.name())
                        .map(r -> r.level() == dev.vigil.core.registry.ScorerLevel.SESSION).orElse(false)).toList();
                configs.removeAll(sessionLevel);
                if (!sessionLevel.isEmpty()) {
                    List<String> names = sessionLevel.stream().map(BackfillScorer::name).toList();
                    if (dryRun) {
                        out.println("Session scorer(s) " + String.join(", ", names) + " would score every session with"
                                + " a trace in " + start + " → " + end + " once (no estimate for session scorers).");
                    } else {
                        dev.vigil.core.session.SessionPass p = exp.backfillSessions(sessionLevel, start, end);
                        out.println("Session backfill of " + String.join(", ", names) + " over " + start + " → " + end
                                + " in experiment '" + exp.name() + "': " + p.sessions() + " session(s), "
                                + p.scored() + " scored, " + p.upToDate() + " already scored, " + p.notSampled()
                                + " not sampled, " + p.active() + " still in progress, " + p.deferred()
                                + " deferred (transient failures, scored by the session loop later).");
                    }
                    out.flush();
                    if (configs.isEmpty()) {
                        return 0;
                    }
                }
                if (dryRun) {
                    return BackfillDryRun.print(out, s, exp, configs, start, end, clock.instant());
                }
                String job = ScorersCommand.explainUnknown(exp.scorers(), store.experiment,
                        () -> exp.backfill(configs, start, end));
                out.println("Backfill job " + job + ": " + String.join(", ", scorers) + " over " + start + " → " + end
                        + " in experiment '" + exp.name() + "'.");
                out.flush();
                if (detach) {
                    out.println("Detached: the job is saved with its checkpoint; 'vigil monitor' or 'vigil jobs resume "
                            + job + "' runs it to the end.");
                    return 0;
                }
                BackfillProgress p = BackfillWatch.follow(exp, job, new LiveLine(out, LiveLine.isTerminal(), 2000),
                        stop, Long.MAX_VALUE);
                if (!p.status().isTerminal()) {
                    out.println("Interrupted: job " + job + " keeps its checkpoint; resume it with 'vigil jobs resume "
                            + job + "'.");
                    return 130;
                }
                if (p.message() != null && !p.status().name().equals("SUCCEEDED")) {
                    out.println("Job " + job + " " + p.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + p.message());
                }
                return p.status().name().equals("SUCCEEDED") ? 0 : 1;
            }
        }
    }

    static BackfillScorer parse(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return BackfillScorer.of(s);
        }
        String name = s.substring(0, colon);
        String rate = s.substring(colon + 1);
        try {
            double r = Double.parseDouble(rate.endsWith("%") ? rate.substring(0, rate.length() - 1) : rate);
            double share = rate.endsWith("%") ? r / 100 : r;
            SampleRates.check(share, "--scorer " + s + ": rate", false);
            return BackfillScorer.of(name, share);
        } catch (NumberFormatException e) {
            throw new UserError("--scorer " + s + ": '" + rate + "' is not a sample rate; use NAME or NAME:0.5");
        }
    }
}
