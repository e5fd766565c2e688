package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.backfill.BackfillProgress;
import java.util.Locale;

/** Follows a backfill job with a live progress bar: scanned / scored / rate / ETA and the job id. */
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
     * @return the bar: before the first page is read the total is unknown and shown as such, never as 0/0; a total
     *     estimated from the time range covered so far is marked {@code ~}
     */
    static String render(BackfillProgress p, long baseline, long elapsedMillis) {
        boolean succeeded = p.status().name().equals("SUCCEEDED");
        boolean totalKnown = succeeded || p.scanned() > 0 || p.estimatedRemaining() > 0 || p.status().isTerminal();
        long total = succeeded ? p.scanned() : p.scanned() + Math.max(0, p.estimatedRemaining());
        double secs = Math.max(0.001, elapsedMillis / 1000.0);
        double rate = Math.max(0, p.scanned() - baseline) / secs;
        String eta = p.status().isTerminal() ? p.status().name().toLowerCase(Locale.ROOT)
                : rate > 0 && p.estimatedRemaining() > 0
                        ? "ETA " + Math.max(1, Math.round(p.estimatedRemaining() / rate)) + "s" : "ETA –";
        int pct = total == 0 ? (p.status().isTerminal() ? 100 : 0) : (int) Math.min(100, 100 * p.scanned() / total);
        // while pages remain, the total is an estimate from the share of the time range covered: marked with ~
        boolean estimated = !p.status().isTerminal() && p.estimatedRemaining() > 0;
        String scanned = totalKnown ? p.scanned() + "/" + (estimated ? "~" : "") + total : "reading the first page";
        return String.format(Locale.ROOT, "%s %3d%%  scanned %s  scored %d  failed %d  skipped %d  %.0f traces/s  %s  job %s",
                LiveLine.bar(pct, 100, 24), pct, scanned, p.scored(), p.failed(), p.skipped(), rate, eta,
                p.jobId());
    }
}
