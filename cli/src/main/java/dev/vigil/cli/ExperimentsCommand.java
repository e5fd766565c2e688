package dev.vigil.cli;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil experiments list}: the experiments in a store, with how many traces and scorers each holds. */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "List the experiments in a store.",
        subcommands = ExperimentsCommand.ListExperiments.class)
final class ExperimentsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil experiments list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the store's experiments: name, id, creation time, traces and scorers.")
    static final class ListExperiments implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Store s = store.open()) {
                List<Experiment> all = s.experiments().list().stream()
                        .sorted(Comparator.comparing(Experiment::name)).toList();
                if (all.isEmpty()) {
                    out.println("No experiments in " + s.describe() + " yet: 'vigil traces import' or 'vigil demo' "
                            + "creates one.");
                    return 0;
                }
                Table t = new Table("NAME", "ID", "CREATED", ">TRACES", ">SCORERS");
                for (Experiment e : all) {
                    long scorers = s.scorers().list(e.experimentId()).stream().map(v -> v.name()).distinct().count();
                    t.row(e.name(), e.experimentId(), e.createdAt(), s.traces().count(e.experimentId()), scorers);
                }
                t.print(out);
                return 0;
            }
        }
    }
}
