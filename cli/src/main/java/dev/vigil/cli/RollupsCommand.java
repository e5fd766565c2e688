package dev.vigil.cli;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vigil rollups status|rebuild}: the store's hourly rollups of scorer feedback, which the dashboard reads its
 * trends and overview from.
 */
@Command(name = "rollups", mixinStandardHelpOptions = true,
        description = "The hourly rollups the dashboard reads its trends from: show whether they are ready, rebuild "
                + "them from the stored feedback.",
        subcommands = {RollupsCommand.Status.class, RollupsCommand.Rebuild.class})
final class RollupsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    private static String unsupported(Store s) {
        return "the store " + s.describe() + " keeps no rollups; the dashboard reads every value instead";
    }

    /** {@code vigil rollups status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Say whether the rollups cover every stored feedback.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open()) {
                boolean ready;
                try {
                    ready = s.rollups().ready();
                } catch (UnsupportedOperationException e) {
                    throw new UserError(unsupported(s), e);
                }
                out.println(ready ? "Rollups are ready: the dashboard reads hour and day buckets from them."
                        : "Rollups are not ready (the database holds feedback written before they existed): the "
                                + "dashboard reads every value. Run 'vigil rollups rebuild'.");
                return 0;
            }
        }
    }

    /** {@code vigil rollups rebuild [-e NAME]}. */
    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Recompute the rollups from the stored feedback: of every experiment (which also marks them "
                    + "ready after an upgrade), or only of the one given with -e. Run it while no engine writes.")
    static final class Rebuild implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            boolean one = spec.commandLine().getParseResult().hasMatchedOption("--experiment");
            try (Store s = store.open()) {
                Experiment exp = one ? store.existingExperiment(s) : null;
                long rows;
                try {
                    rows = s.rollups().rebuild(exp == null ? null : exp.experimentId());
                } catch (UnsupportedOperationException e) {
                    throw new UserError(unsupported(s), e);
                }
                out.println("Rebuilt " + rows + " rollup row" + (rows == 1 ? "" : "s") + " of "
                        + (exp == null ? "every experiment" : "experiment '" + exp.name() + "'") + " in "
                        + s.describe() + ".");
                return 0;
            }
        }
    }
}
