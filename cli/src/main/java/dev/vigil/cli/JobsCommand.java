package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillService;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil jobs [status|resume|cancel ID]}: background jobs (backfills) and their progress. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List background jobs (backfills), show one, resume or cancel it.",
        subcommands = {JobsCommand.Status.class, JobsCommand.Resume.class, JobsCommand.Cancel.class})
final class JobsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Mixin
    StoreMixin store;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
            Experiment exp = store.existingExperiment(s);
            List<Job> jobs = s.jobs().list(exp.experimentId());
            if (jobs.isEmpty()) {
                out.println("No jobs in experiment '" + exp.name() + "'. Start one with 'vigil backfill --scorer NAME'.");
                SkippedRowsNote.print(out, s);
                return 0;
            }
            Table t = new Table("JOB", "TYPE", "STATUS", ">SCANNED", ">SCORED", ">FAILED", "UPDATED", "MESSAGE");
            for (Job j : jobs) {
                String state = state(j, vigil.backfills());
                t.row(j.jobId(), j.type(), state, j.progress().getOrDefault("scanned", 0L),
                        j.progress().getOrDefault("scored", 0L), j.progress().getOrDefault("failed", 0L), j.updatedAt(),
                        state.equals("interrupted") ? "resume it with 'vigil jobs resume " + j.jobId() + "'"
                                : j.message() == null ? "" : j.message());
            }
            t.print(out);
            SkippedRowsNote.print(out, s);
            return 0;
        }
    }

    /**
     * A job's state as people need it, from its stored status and its lease: {@code queued} (saved, never run,
     * waiting for a runner: 'vigil monitor' or 'vigil jobs resume'), {@code running} (a live process holds its lease),
     * {@code interrupted} (left unfinished by a process that stopped or died: its lease is free), or the final
     * {@code succeeded}, {@code failed}, {@code cancelled}.
     */
    static String state(Job j, BackfillService backfills) {
        String stored = j.status().name().toLowerCase(Locale.ROOT);
        if (j.status().isTerminal() || !BackfillService.JOB_TYPE.equals(j.type())) {
            return stored;
        }
        if (backfills.runnerHolds(j.jobId())) {
            return "running";
        }
        return j.status() == JobStatus.PENDING && j.progress().isEmpty() ? "queued" : "interrupted";
    }

    static Job find(Store s, String id) {
        return s.jobs().get(id).orElseThrow(() -> new UserError("no job '" + id + "' in " + s.describe()
                + "; 'vigil jobs -e EXPERIMENT' lists them"));
    }

    /** {@code vigil jobs status ID}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job: status, progress, what it does.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
                Job j = find(s, id);
                String state = state(j, vigil.backfills());
                out.println("job:      " + j.jobId());
                out.println("type:     " + j.type());
                out.println("status:   " + state + (state.equals("interrupted")
                        ? " (its process stopped; 'vigil jobs resume " + j.jobId() + "' goes on from its checkpoint)" : ""));
                out.println("progress: " + Json.write(j.progress()));
                out.println("spec:     " + Json.write(j.spec()));
                out.println("created:  " + j.createdAt());
                out.println("updated:  " + j.updatedAt());
                if (j.message() != null) {
                    out.println("message:  " + j.message());
                }
                return 0;
            }
        }
    }

    /** {@code vigil jobs resume ID}: runs an interrupted job to the end here, with its progress bar. */
    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume an interrupted job from its checkpoint and follow it to the end.")
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (StopSignal stop = new StopSignal()) {
                try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
                    Job j = find(s, id);
                    Experiment e = s.experiments().get(j.experimentId()).orElseThrow();
                    ExperimentHandle exp = vigil.experiment(e.name());
                    if (j.status().isTerminal()) {
                        out.println("Job " + id + " is " + j.status().name().toLowerCase(Locale.ROOT)
                                + ": nothing to resume.");
                        return 0;
                    }
                    // a job whose process died is free once its lease expires: wait for that, bounded
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    boolean mine = vigil.backfills().resumeAbandoned().contains(id);
                    while (!mine && !stop.requested() && System.nanoTime() < deadline
                            && !exp.backfillProgress(id).status().isTerminal()) {
                        out.println("Waiting for the lease of job " + id + " to expire (another process held it)...");
                        out.flush();
                        stop.pause(2000);
                        mine = vigil.backfills().resumeAbandoned().contains(id);
                    }
                    if (!mine && !exp.backfillProgress(id).status().isTerminal()) {
                        throw new UserError("job " + id + " is still held by another running process; "
                                + "let it finish or stop that process first");
                    }
                    out.println("Resumed job " + id + ".");
                    BackfillProgress p = BackfillWatch.follow(exp, id, new LiveLine(out, LiveLine.isTerminal(), 2000),
                            stop, Long.MAX_VALUE);
                    return p.status().isTerminal() ? 0 : 130;
                }
            }
        }
    }

    /** {@code vigil jobs cancel ID}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job; a running one stops before its next page.")
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
                find(s, id);
                BackfillProgress p = vigil.backfills().cancel(id);
                spec.commandLine().getOut().println("Job " + id + " is " + p.status().name().toLowerCase(Locale.ROOT)
                        + " (scanned " + p.scanned() + ", scored " + p.scored() + ").");
                return 0;
            }
        }
    }
}
