package dev.vigil.cli;

import dev.vigil.core.Vigil;
import dev.vigil.core.engine.Engine;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil engine}: the monitoring engines' shared state in a store (the partitions of the trace stream). */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Show or change how the trace stream is split between monitoring engines.",
        subcommands = {EngineCommand.Partitions.class, EngineCommand.Repartition.class})
final class EngineCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static OptionalInt storedCount(Store s) {
        try {
            return s.coordination().partitionCount(Engine.STREAM);
        } catch (UnsupportedOperationException e) {
            throw new UserError("the store " + s.describe() + " keeps no partition count (no coordination support);"
                    + " every engine on it uses its own --partitions");
        }
    }

    /** {@code vigil engine partitions}. */
    @Command(name = "partitions", mixinStandardHelpOptions = true,
            description = "Print the stored partition count of the trace stream.")
    static final class Partitions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            try (Store s = store.open()) {
                OptionalInt n = storedCount(s);
                spec.commandLine().getOut().println(n.isPresent()
                        ? "The trace stream is split into " + n.getAsInt() + " partition(s)."
                        : "No partition count stored yet: the first engine to start stores its --partitions.");
            }
            return 0;
        }
    }

    /** {@code vigil engine repartition --partitions N}. */
    @Command(name = "repartition", mixinStandardHelpOptions = true,
            description = "Change the partition count of the trace stream, carrying the cursors over (nothing is "
                    + "scored again). Stop every engine on the store first.")
    static final class Repartition implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Option(names = "--partitions", required = true, paramLabel = "N",
                description = "The new partition count, 1 to 1024; every engine on the store must be configured with it.")
        int partitions;

        @Override
        public Integer call() {
            if (partitions < 1 || partitions > 1024) {
                throw new UserError("--partitions must be 1 to 1024, got " + partitions);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open()) {
                storedCount(s);
                int old;
                try (Vigil vigil = store.vigil(s)) {
                    old = vigil.changePartitionCount(partitions);
                } catch (IllegalStateException e) {
                    throw new UserError(e.getMessage() + ". Stop every 'vigil monitor' or 'vigil serve' on this "
                            + "store, then run this again", e);
                }
                if (old == partitions) {
                    out.println("The trace stream is split into " + partitions + " partition(s) already; nothing "
                            + "changed.");
                } else {
                    out.println("Changed the trace stream from " + old + " to " + partitions + " partition(s); the "
                            + "cursors were carried over (each new partition starts at the lowest old cursor, and "
                            + "traces read again are not scored again). Start every engine with partitions=" + partitions
                            + " (Vigil.builder().partitions(" + partitions + ")); an engine with another count "
                            + "refuses to start.");
                }
            }
            return 0;
        }
    }
}
