package dev.vigil.core.backfill;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The page this process is scoring for a job, before the page is saved: the page counted as scanned, and its
 * runs counted as they finish, so that a progress bar moves from the first page on instead of once per saved
 * page. Its feedback is stored, and the counters saved in the job, when the page ends.
 */
final class LivePage {
    private final Map<String, Long> base;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** @param base the job's counters with this page counted as scanned */
    LivePage(Map<String, Long> base) {
        this.base = Map.copyOf(base);
    }

    /** @param runFailed whether the run that just finished failed */
    void done(boolean runFailed) {
        (runFailed ? failed : scored).incrementAndGet();
    }

    /** @return the counters with the runs finished so far */
    Map<String, Long> counters() {
        Map<String, Long> p = new HashMap<>(base);
        p.merge(BackfillProgress.SCORED, scored.get(), Long::sum);
        p.merge(BackfillProgress.FAILED, failed.get(), Long::sum);
        return p;
    }
}
