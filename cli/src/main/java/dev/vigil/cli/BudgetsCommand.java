package dev.vigil.cli;

import dev.vigil.core.budget.BudgetSpec;
import dev.vigil.core.monitor.NotificationDispatcher;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetUsage;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil budgets set|list|delete}: spend limits on LLM-judge calls, enforced by every engine on the store. */
@Command(name = "budgets", mixinStandardHelpOptions = true,
        description = "Set, list and delete budgets on LLM-judge spend (tokens and/or USD per day, week or month).",
        subcommands = {BudgetsCommand.Set.class, BudgetsCommand.ListBudgets.class, BudgetsCommand.Delete.class})
final class BudgetsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil budgets set NAME}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Create or replace a budget; raising a limit lets a stopped scorer call again at once.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME", description = "The budget's name.")
        String name;
        @Option(names = "--scorer", paramLabel = "NAME",
                description = "The judge scorer it limits (default: every judge scorer of the experiment).")
        String scorer;
        @Option(names = "--usd", paramLabel = "AMOUNT", description = "USD limit per period (from the price table).")
        Double usd;
        @Option(names = "--tokens", paramLabel = "N", description = "Token limit (input + output) per period.")
        Long tokens;
        @Option(names = "--period", defaultValue = "day", paramLabel = "PERIOD",
                description = "day (default), week or month; periods start at 00:00 UTC, weeks on Monday.")
        String period;
        @Option(names = "--action", defaultValue = "stop", paramLabel = "ACTION",
                description = "stop (default): skip further judge calls as BUDGET_EXCEEDED; alert: calls go on. "
                        + "Either way an alert is sent (and logged as a warning) at 80 %% and 100 %% of a limit, once per "
                        + "period.")
        String action;
        @Mixin
        DestinationOptions destinations;

        @Override
        public Integer call() {
            BudgetSpec spec0 = new BudgetSpec(name, scorer, usd, tokens, period, action, destinations.destinations());
            NotificationDispatcher notifiers = notifiers();
            try (Store s = store.open()) { // a store that cannot be opened is said first, as by every command
                try {
                    spec0.toBudget("-", "--", notifiers::validate, Instant.now()); // before the experiment is made
                } catch (InvalidInputException e) {
                    throw new UserError(e.getMessage(), e);
                }
                String exp = store.experiment(s).experimentId();
                Budget b;
                try {
                    b = s.budgets().put(spec0.toBudget(exp, "--", notifiers::validate, Instant.now()));
                } catch (UnsupportedOperationException e) {
                    throw new UserError("the store " + s.describe() + " does not keep budgets");
                } catch (InvalidInputException e) {
                    throw new UserError(e.getMessage(), e);
                }
                spec.commandLine().getOut().println("Budget '" + b.name() + "' set: " + describe(b) + ".");
            }
            return 0;
        }
    }

    /** @return the notifiers found by ServiceLoader, to validate destinations with */
    static NotificationDispatcher notifiers() {
        return NotificationDispatcher.loaded(new NotifierContext(Clock.systemUTC(), d -> { }, Optional.empty(),
                d -> { }));
    }

    static String describe(Budget b) {
        StringBuilder s = new StringBuilder();
        if (b.maxUsd() > 0) {
            s.append(String.format(Locale.ROOT, "$%.2f", b.maxUsd()));
        }
        if (b.maxTokens() > 0) {
            s.append(s.isEmpty() ? "" : " and ").append(String.format(Locale.ROOT, "%,d tokens", b.maxTokens()));
        }
        s.append(" per ").append(b.period().name().toLowerCase(Locale.ROOT)).append(" for ")
                .append(b.scorerName() == null ? "every judge scorer" : "scorer '" + b.scorerName() + "'")
                .append(", action ").append(b.action().name().toLowerCase(Locale.ROOT));
        if (!b.destinations().isEmpty()) {
            s.append(", alerts to ").append(String.join(", ", b.destinations().stream().map(NotifierConfig::type)
                    .toList()));
        }
        return s.toString();
    }

    /** {@code vigil budgets list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List budgets with this period's use.")
    static final class ListBudgets implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("NAME", "SCORER", "PERIOD", "LIMIT", "ACTION", "SPENT", "USED", "SKIPPED", "RESETS");
            Instant now = Clock.systemUTC().instant();
            try (Store s = store.open()) {
                String exp = store.existingExperiment(s).experimentId();
                for (Budget b : s.budgets().list(exp)) {
                    BudgetUsage u = s.budgets().usage(exp, b.name(), b.period().start(now));
                    t.row(b.name(), b.scorerName() == null ? "*" : b.scorerName(),
                            b.period().name().toLowerCase(Locale.ROOT), limit(b),
                            b.action().name().toLowerCase(Locale.ROOT), spent(b, u), percent(b, u), u.skipped(),
                            b.period().next(now));
                }
            } catch (UnsupportedOperationException e) {
                throw new UserError("the store does not keep budgets");
            }
            t.printOr(out, "No budgets in experiment '" + store.experiment
                    + "'. Set one with 'vigil budgets set daily --usd 5'.");
            return 0;
        }
    }

    static String limit(Budget b) {
        String usd = b.maxUsd() > 0 ? String.format(Locale.ROOT, "$%.2f", b.maxUsd()) : "";
        String tok = b.maxTokens() > 0 ? String.format(Locale.ROOT, "%,d tok", b.maxTokens()) : "";
        return usd.isEmpty() ? tok : tok.isEmpty() ? usd : usd + " / " + tok;
    }

    static String spent(Budget b, BudgetUsage u) {
        String usd = String.format(Locale.ROOT, "$%.4f", u.spentUsd());
        String tok = String.format(Locale.ROOT, "%,d tok", u.spentTokens());
        return b.maxUsd() > 0 && b.maxTokens() > 0 ? usd + " / " + tok : b.maxUsd() > 0 ? usd : tok;
    }

    static String percent(Budget b, BudgetUsage u) {
        double f = Math.max(b.maxTokens() > 0 ? (double) u.spentTokens() / b.maxTokens() : 0,
                b.maxNanoUsd() > 0 ? (double) u.spentNanoUsd() / b.maxNanoUsd() : 0);
        return String.format(Locale.ROOT, "%.0f %%", f * 100);
    }

    /** {@code vigil budgets delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a budget and its counters.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME", description = "The budget's name.")
        String name;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                String exp = store.existingExperiment(s).experimentId();
                if (!s.budgets().delete(exp, name)) {
                    throw new UserError("no budget '" + name + "' in experiment '" + store.experiment
                            + "'; 'vigil budgets list' shows the budgets");
                }
            }
            spec.commandLine().getOut().println("Budget '" + name + "' deleted.");
            return 0;
        }
    }
}
