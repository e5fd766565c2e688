package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.backfill.BackfillProgress;
import java.util.Locale;

/** Follows a backfill job with a live progress bar: scanned/total, scored, deferred, rate, ETA and the job id. */
final class BackfillWatch {

    private BackfillWatch() {}

    /**
     * @param exp the experiment
     * @param jobId the job
     * @param line where the bar goes
     * @param stop Ctrl-C / SIGTERM, or null
     * @param maxMillis give up watching after this long (the job goes on)
     * @return the last progress seen
     */
    static BackfillProgress follow(ExperimentHandle exp, String jobId, LiveLine line, StopSignal stop, long maxMillis) {
        long start = System.nanoTime();
        BackfillProgress p = exp.backfillProgress(jobId);
        // the rate is this run's: a resumed job's earlier runs scanned at another time
        long baseline = p.scanned();
        while (!p.status().isTerminal()) {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            line.update(render(p, baseline, elapsed), elapsed);
            if (elapsed > maxMillis || (stop != null && stop.requested())) {
                break;
            }
            if (stop != null) {
                stop.pause(250);
            } else {
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            p = exp.backfillProgress(jobId);
        }
        line.finish(render(p, baseline, (System.nanoTime() - start) / 1_000_000));
        return p;
    }

    /**
     * @param p the progress
     * @param baseline traces the job had scanned when this run started watching it
     * @param elapsedMillis time watched
     * @return the bar: {@code scanned/total} with the total the job counted before its first page (never 0/0
     *     while it counts), the pairs it holds for a later attempt ({@code deferred N}), and the rate of this run
     */
    static String render(BackfillProgress p, long baseline, long elapsedMillis) {
        boolean terminal = p.status().isTerminal();
        long total = p.totalKnown() ? Math.max(p.total(), p.scanned()) : -1;
        double secs = Math.max(0.001, elapsedMillis / 1000.0);
        double rate = Math.max(0, p.scanned() - baseline) / secs;
        long remaining = total < 0 ? 0 : total - p.scanned();
        String eta = terminal ? p.status().name().toLowerCase(Locale.ROOT)
                : remaining == 0 && p.deferred() > 0 ? "retrying deferred pairs"
                : rate > 0 && remaining > 0 ? "ETA " + Math.max(1, Math.round(remaining / rate)) + "s" : "ETA –";
        int pct = total <= 0 ? (terminal ? 100 : 0) : (int) Math.min(100, 100 * p.scanned() / total);
        String scanned = total >= 0 ? p.scanned() + "/" + total : "counting traces in range";
        String deferred = p.deferred() > 0 ? "  deferred " + p.deferred() : "";
        return String.format(Locale.ROOT,
                "%s %3d%%  scanned %s  scored %d  failed %d  skipped %d%s  %.0f traces/s  %s  job %s",
                LiveLine.bar(pct, 100, 24), pct, scanned, p.scored(), p.failed(), p.skipped(), deferred, rate, eta,
                p.jobId());
    }
}
