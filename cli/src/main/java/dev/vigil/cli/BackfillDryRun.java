package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.core.budget.BackfillEstimate;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** {@code vigil backfill --dry-run}: what a backfill would cost, against the budgets, without starting it. */
final class BackfillDryRun {
    private BackfillDryRun() {}

    static int print(PrintWriter out, Store s, ExperimentHandle exp, List<BackfillScorer> configs, Instant start,
            Instant end, Instant now) {
        Sampler sampler = Sampler.defaultSampler();
        boolean allFit = true;
        out.println("Dry run: nothing is started. Backfill over " + start + " → " + end + " in experiment '"
                + exp.name() + "':");
        for (BackfillScorer c : configs) {
            RegisteredScorer r;
            try {
                r = exp.scorers().get(c.name());
            } catch (NotFoundException e) {
                throw new UserError(e.getMessage(), e);
            }
            double rate = c.sampleRate().orElse(r.sampleRate());
            BackfillEstimate e = BackfillEstimate.of(s, exp.id(), r.name(), r.version(), t -> t.info().state().isComplete()
                    && r.filter().test(t) && sampler.keep(t.traceId(), r.name(), rate), start, end, now);
            out.printf(Locale.ROOT, "  %s at rate %s: %,d traces in range, %,d calls%n", r.name(), rate, e.traces(),
                    e.calls());
            if (e.basedOnCalls() == 0) {
                out.println("    no usage recorded for this scorer in the last 30 days: no token or cost estimate "
                        + "(a code scorer costs nothing; a judge's first calls will tell)");
            } else {
                out.printf(Locale.ROOT, "    estimated %,d tokens, $%.4f (mean %.0f tokens, $%.6f per call over %,d "
                        + "past calls)%n", e.tokens(), e.usd(), e.meanTokens(), e.meanUsd(), e.basedOnCalls());
            }
            for (BackfillEstimate.BudgetCheck b : e.budgets()) {
                allFit &= b.fits() || b.budget().action() != dev.vigil.spi.store.BudgetAction.STOP;
                out.println("    budget '" + b.budget().name() + "' (" + BudgetsCommand.describe(b.budget())
                        + "): spent " + BudgetsCommand.spent(b.budget(), b.usage()) + " this "
                        + b.budget().period().name().toLowerCase(Locale.ROOT) + " — "
                        + (b.fits() ? "the estimate fits" : b.budget().action() == dev.vigil.spi.store.BudgetAction.STOP
                                ? "the estimate does NOT fit: calls past the limit will be skipped (BUDGET_EXCEEDED)"
                                : "the estimate passes the limit: alerts will be sent"));
            }
        }
        if (!allFit) {
            out.println("At least one STOP budget would stop this backfill before its end; raise it (vigil budgets set) or narrow the range.");
        }
        return 0;
    }
}
