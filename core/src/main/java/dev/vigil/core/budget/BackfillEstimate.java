package dev.vigil.core.budget;

import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a backfill of one scorer would cost, before it starts: the traces it would score (those in the range that
 * pass the scorer's filter and sample, counted by a scan) × the mean tokens and cost per call of the scorer's
 * feedback so far (its judge usage metadata, priced by the judge's price table when it was made), set against
 * the budgets that cover the scorer (what is left of each this period).
 *
 * @param scorerName the scorer
 * @param traces the traces in the range
 * @param calls the calls the backfill would make (sampled, matching the filter, not scored by that version yet)
 * @param basedOnCalls how many past calls with usage the means come from (0: no estimate of cost)
 * @param meanTokens mean tokens (input + output) per call so far
 * @param meanUsd mean USD per call so far
 * @param budgets each covering budget with what is left of it this period
 */
public record BackfillEstimate(String scorerName, long traces, long calls, long basedOnCalls, double meanTokens,
        double meanUsd, List<BudgetCheck> budgets) {

    /** How far back feedback is read for the means. */
    public static final Duration HISTORY = Duration.ofDays(30);

    /** Freezes. */
    public BackfillEstimate {
        Objects.requireNonNull(scorerName, "scorerName");
        budgets = List.copyOf(budgets);
    }

    /** @return the estimated tokens */
    public long tokens() {
        return Math.round(calls * meanTokens);
    }

    /** @return the estimated cost in USD */
    public double usd() {
        return calls * meanUsd;
    }

    /**
     * A budget covering the scorer and what is left of it.
     *
     * @param budget the budget
     * @param usage its counters this period
     * @param fits true if the estimate fits what is left (always true for an ALERT budget's calls, which go on)
     */
    public record BudgetCheck(Budget budget, BudgetUsage usage, boolean fits) {}

    /**
     * @param store the store
     * @param experimentId the experiment
     * @param scorerName the scorer's registered name
     * @param scorerVersion the version a backfill would run (traces holding its feedback are skipped)
     * @param picked whether the backfill would score a trace (complete, filter, sample)
     * @param from the range's start, inclusive
     * @param to the range's end, exclusive
     * @param now the current time (history window and budget period)
     * @return the estimate
     */
    public static BackfillEstimate of(Store store, String experimentId, String scorerName, int scorerVersion,
            Predicate<Trace> picked, Instant from, Instant to, Instant now) {
        long traces = 0;
        long calls = 0;
        String token = null;
        do {
            TracePage page = store.traces().scan(new TraceQuery(experimentId, from, to, null), token, 1_000);
            List<String> ids = new ArrayList<>();
            for (Trace t : page.traces()) {
                traces++;
                if (picked.test(t)) {
                    ids.add(t.traceId());
                }
            }
            if (!ids.isEmpty()) {
                // a backfill skips the pairs that already hold this version's feedback
                calls += ids.size() - store.assessments().tracesScoredBy(scorerName, scorerVersion, ids).size();
            }
            token = page.hasNext() ? page.nextPageToken() : null;
        } while (token != null);

        long withUsage = 0;
        long tokens = 0;
        double usd = 0;
        for (ScoredValue v : store.assessments().valuesByScorer(experimentId, scorerName, now.minus(HISTORY),
                now.plusSeconds(1))) {
            Assessment a = v.assessment();
            Map<String, String> md = a.metadata();
            if (md == null || (md.get(JudgeUsage.INPUT_TOKENS) == null && md.get(JudgeUsage.COST_USD) == null)) {
                continue;
            }
            withUsage++;
            tokens += num(md.get(JudgeUsage.INPUT_TOKENS)) + num(md.get(JudgeUsage.OUTPUT_TOKENS));
            usd += num(md.get(JudgeUsage.COST_USD));
        }
        double meanTokens = withUsage == 0 ? 0 : (double) tokens / withUsage;
        double meanUsd = withUsage == 0 ? 0 : usd / withUsage;

        List<BudgetCheck> checks = new ArrayList<>();
        try {
            for (Budget b : store.budgets().list(experimentId)) {
                if (!b.covers(scorerName)) {
                    continue;
                }
                BudgetUsage u = store.budgets().usage(experimentId, b.name(), b.period().start(now));
                long estTokens = Math.round(calls * meanTokens);
                long estNano = BudgetUsage.toNanoUsd(calls * meanUsd);
                checks.add(new BudgetCheck(b, u, u.fits(b, estTokens, estNano)));
            }
        } catch (UnsupportedOperationException e) {
            // a store without budgets: nothing to check against
        }
        return new BackfillEstimate(scorerName, traces, calls, withUsage, meanTokens, meanUsd, checks);
    }

    private static double num(String s) {
        try {
            double d = s == null ? 0 : Double.parseDouble(s.trim());
            return Double.isFinite(d) && d > 0 ? d : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
