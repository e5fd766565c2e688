package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.metrics.EngineStats;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil monitor}: score new traces as they arrive in the store until Ctrl-C or SIGTERM. */
@Command(name = "monitor", mixinStandardHelpOptions = true, description = {
        "Score new traces as they arrive in the store with every active scorer, until Ctrl-C or SIGTERM "
                + "(then the work in flight is drained and the store closed). Also resumes interrupted backfills."})
final class MonitorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;
    @Mixin
    PartitionsOption partitions;
    @Mixin
    SessionOptionsMixin sessions;

    @Option(names = "--duration", paramLabel = "TIME", description = "Stop by itself after this long, e.g. 10m (default: run until stopped).")
    String duration;

    @Option(names = "--status-every", defaultValue = "10s", paramLabel = "TIME",
            description = "How often a status line is printed when the output is not a terminal (default ${DEFAULT-VALUE}).")
    String statusEvery;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long limitMs = duration == null ? Long.MAX_VALUE : length(duration, "--duration").toMillis();
        long everyMs = length(statusEvery, "--status-every").toMillis();
        try (StopSignal stop = new StopSignal()) {
            try (Store s = store.open(); Vigil vigil = sessions.apply(partitions.apply(store.builder(s), s)).build()) {
                ExperimentHandle exp = vigil.experiment(store.experiment);
                List<RegisteredScorer> active = exp.scorers().active();
                vigil.startMonitoring();
                // monitors (alerts) are evaluated beside the engine; closed before the store
                dev.vigil.core.monitor.MonitorScheduler alerts = new dev.vigil.core.monitor.MonitorScheduler(
                        MonitorsCommand.service(s, java.time.Clock.systemUTC())
                                .useHealth(dev.vigil.core.monitor.EngineHealth.of(vigil)), exp.id(),
                        Duration.ofSeconds(10));
                out.println("Monitoring " + s.describe() + ": " + active.size() + " active scorer"
                        + (active.size() == 1 ? "" : "s") + " in experiment '" + exp.name() + "'"
                        + (active.isEmpty() ? " (start one with 'vigil scorers start NAME --sample-rate 0.5')" : ": "
                                + String.join(", ", active.stream().map(r -> r.name() + " " + ScorersCommand.pct(r.sampleRate())).toList()))
                        + ". Ctrl-C stops.");
                List<String> sessionLevel = active.stream()
                        .filter(r -> r.level() == dev.vigil.core.registry.ScorerLevel.SESSION).map(r -> r.name()).toList();
                if (!sessionLevel.isEmpty()) {
                    out.println("Session scorer" + (sessionLevel.size() == 1 ? " " : "s ") + String.join(", ", sessionLevel)
                            + (sessionLevel.size() == 1 ? " scores" : " score") + " each session once it has been idle for " + sessions.sessionIdle
                            + " (looked for every " + sessions.sessionEvery + "), and again when it resumes.");
                }
                out.flush();
                LiveLine line = new LiveLine(out, LiveLine.isTerminal(), everyMs);
                long t0 = System.nanoTime();
                while (!stop.requested()) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (ms >= limitMs) {
                        break;
                    }
                    line.update(status(vigil, exp.id(), ms), ms);
                    stop.pause(Math.min(1000, limitMs - ms));
                }
                line.finish(status(vigil, exp.id(), (System.nanoTime() - t0) / 1_000_000));
                out.println((stop.requested() ? "Stopping (signal): " : "Stopping: ") + "draining the work in flight...");
                out.flush();
                alerts.close();
                EngineStats.Snapshot before = vigil.stats();
                vigil.close();
                // this experiment's counts: the engine also scores the other experiments of the store
                EngineStats.Snapshot after = vigil.stats(exp.id());
                long elsewhere = vigil.stats().tracesSeen() - after.tracesSeen();
                EngineStats.LoopHealth health = vigil.loopHealth();
                if (health.failing()) {
                    // the truth: the loop was failing when it stopped, whatever it had done before
                    out.printf("Stopped after errors: the tail loop was failing (%d failed turns, the last: %s); "
                                    + "%d traces seen, %d scored, %d errors%s.%n",
                            health.failures(), health.lastFailure(), after.tracesSeen(), total(after, true),
                            total(after, false), otherExperiments(elsewhere));
                    out.flush();
                    return 1;
                }
                out.printf("Stopped cleanly: %d traces seen, %d scored, %d errors in experiment '%s'%s; %d runs were in "
                                + "flight at the signal.%n", after.tracesSeen(), total(after, true), total(after, false),
                        exp.name(), otherExperiments(elsewhere), before.queueDepth());
                if (after.sessions().passes() > 0) {
                    out.println(sessionSummary(after.sessions()));
                }
                if (vigil.skippedRows() > 0) {
                    out.println(SkippedRowsNote.text(vigil.skippedRows()));
                }
                out.flush();
            }
            return stop.requested() ? 130 : 0;
        }
    }

    static Duration length(String text, String option) {
        try {
            TimeArg t = TimeArg.parse(text);
            if (t.ago() != null && !t.ago().isZero()) {
                return t.ago();
            }
        } catch (picocli.CommandLine.TypeConversionException ignored) {
            // said below
        }
        throw new UserError(option + " must be a length of time like 30s, 10m or 2h, got '" + text + "'");
    }

    private static long total(EngineStats.Snapshot s, boolean scored) {
        long n = 0;
        for (EngineStats.ScorerCounts c : s.scorers().values()) {
            n += scored ? c.scored() : c.failed();
        }
        return n;
    }

    /** @return what the engine read of the store's other experiments (it scores their active scorers too), or "" */
    static String otherExperiments(long traces) {
        return traces <= 0 ? "" : " (and " + traces + " trace" + (traces == 1 ? "" : "s")
                + " of other experiments, scored by their own scorers)";
    }

    /** The status line: the counts of the monitored experiment; queue and lag are the engine's, for the store. */
    static String status(Vigil vigil, String experimentId, long ms) {
        EngineStats.Snapshot s = vigil.stats(experimentId);
        long elsewhere = vigil.stats().tracesSeen() - s.tracesSeen();
        EngineStats.LoopHealth h = vigil.loopHealth();
        String line = String.format(Locale.ROOT, "%6ds  traces seen %d%s  scored %d  errors %d  in flight %d  cursor lag %d",
                ms / 1000, s.tracesSeen(), elsewhere > 0 ? " (+" + elsewhere + " other experiments)" : "",
                total(s, true), total(s, false), s.queueDepth(), s.cursorLag());
        EngineStats.SessionCounts sc = s.sessions();
        if (sc.passes() > 0) {
            line += String.format(Locale.ROOT, "  sessions scored %d  errors %d  deferred %d", sc.scored(),
                    sc.failed(), sc.deferred());
        }
        return h.failing() ? line + "  FAILING (" + h.consecutive() + "x): " + h.lastFailure() : line;
    }

    /**
     * @param s the session monitor's counters for the experiment
     * @return the summary line of its session passes
     */
    static String sessionSummary(EngineStats.SessionCounts s) {
        return String.format(Locale.ROOT, "Session passes: %d; sessions scored %d, %d errors, %d deferred (tried again"
                + " on a later pass).", s.passes(), s.scored(), s.failed(), s.deferred());
    }
}
