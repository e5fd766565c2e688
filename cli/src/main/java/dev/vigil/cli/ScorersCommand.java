package dev.vigil.cli;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Store;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vigil scorers ...}: MLflow's scorer lifecycle from the command line. */
@Command(name = "scorers", mixinStandardHelpOptions = true, description = "Register, start, update, stop, delete, list, get and try scorers.",
        subcommands = {ScorerRegistration.Register.class, ScorersCommand.Start.class, ScorersCommand.Update.class,
                ScorersCommand.Stop.class, ScorersCommand.Delete.class, ScorerInspection.ListScorers.class,
                ScorerInspection.Get.class, ScorerInspection.Try.class})
final class ScorersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs {@code action} on the experiment's registry with an open store; closes both. */
    static <T> T withRegistry(StoreMixin store, Function<ScorerRegistry, T> action) {
        try (Store s = store.open(); Vigil vigil = store.vigil(s)) {
            ExperimentHandle exp = vigil.experiment(store.experiment);
            return explainUnknown(exp.scorers(), store.experiment, () -> action.apply(exp.scorers()));
        }
    }

    /** Adds the registered names to "not found" errors, so a typo is easy to spot. */
    static <T> T explainUnknown(ScorerRegistry registry, String experiment, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (NotFoundException | InvalidInputException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("not found") || m.contains("not registered")) {
                // people know their experiments by name, not by id
                m = m.replace("experiment '" + registry.experimentId() + "'", "experiment '" + experiment + "'");
                List<String> names = registry.list().stream().map(RegisteredScorer::name).distinct().toList();
                throw new UserError(m + (names.isEmpty()
                        ? ". It has no scorers yet: add one with 'vigil scorers register NAME --python FILE'"
                        : ". Registered: " + String.join(", ", names)), e);
            }
            throw e;
        }
    }

    /**
     * @param n a count
     * @param noun the singular noun (plural: with an s)
     * @return e.g. "1 error", "2 errors"
     */
    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String pct(double rate) {
        double p = rate * 100;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    static String describe(RegisteredScorer r) {
        return "'" + r.name() + "' version " + r.version() + " (" + r.definition().kind()
                + (r.level() == dev.vigil.core.registry.ScorerLevel.SESSION ? ", session level" : "") + "): "
                + r.state().name().toLowerCase(Locale.ROOT)
                + (r.isActive() ? " at " + pct(r.sampleRate()) : "")
                + (r.filterString() == null ? "" : ", filter " + r.filterString());
    }

    /** {@code vigil scorers start NAME --sample-rate R [--filter F]}. */
    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start scoring new traces with a registered scorer.")
    static final class Start implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--sample-rate", required = true, paramLabel = "RATE", description = "Share of traces to score, in [0.000001, 1].")
        double sampleRate;
        @Option(names = "--filter", paramLabel = "FILTER", description = "Only traces matching this filter.")
        String filter;

        @Override
        public Integer call() {
            SampleRates.check(sampleRate, "--sample-rate", false);
            RegisteredScorer r = withRegistry(store, reg -> reg.start(name, SamplingConfig.of(sampleRate, filter)));
            spec.commandLine().getOut().println("Started " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers update NAME [--sample-rate R] [--filter F]}. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a scorer's sample rate or filter.")
    static final class Update implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--sample-rate", paramLabel = "RATE", description = "The new rate, in [0.000001, 1] (0 stops it); default: unchanged.")
        Double sampleRate;
        @Option(names = "--filter", paramLabel = "FILTER", description = "The new filter; '' removes it; default: unchanged.")
        String filter;

        @Override
        public Integer call() {
            if (sampleRate == null && filter == null) {
                throw new UserError("nothing to update: give --sample-rate and/or --filter");
            }
            if (sampleRate != null) {
                SampleRates.check(sampleRate, "--sample-rate", true);
            }
            RegisteredScorer r = withRegistry(store, reg -> {
                RegisteredScorer now = reg.get(name);
                double rate = sampleRate != null ? sampleRate : now.sampleRate();
                String f = filter != null ? filter : now.filterString();
                return reg.update(name, SamplingConfig.of(rate, f));
            });
            spec.commandLine().getOut().println("Updated " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers stop NAME}. */
    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a scorer (sample rate 0); it stays registered and can be started again.")
    static final class Stop implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            RegisteredScorer r = withRegistry(store, reg -> reg.stop(name));
            spec.commandLine().getOut().println("Stopped " + describe(r) + ".");
            return 0;
        }
    }

    /** {@code vigil scorers delete NAME [--version N]}. */
    @Command(name = "delete", description = "Delete a scorer: every version, or one.")
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        HelpOption help;
        @Mixin
        StoreMixin store;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--version", paramLabel = "N", description = "Only this version.")
        Integer version;

        @Override
        public Integer call() {
            int n = withRegistry(store, reg -> {
                if (version != null) {
                    reg.delete(name, version);
                    return 1;
                }
                return reg.delete(name);
            });
            spec.commandLine().getOut().println("Deleted '" + name + "'" + (version != null ? " version " + version
                    : " (" + n + " version" + (n == 1 ? "" : "s") + ")") + " from experiment '" + store.experiment + "'.");
            return 0;
        }
    }

}
