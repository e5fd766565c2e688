package dev.vigil.cli;

import dev.vigil.core.Vigil;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.store.Store;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --store} and {@code --experiment} options every command that reads or writes data shares. */
final class StoreMixin {

    /** The embedded default store: an H2 database file under ./vigil-data. */
    static final String DEFAULT_STORE = "jdbc:h2:file:./vigil-data/vigil";
    /** The default experiment name. */
    static final String DEFAULT_EXPERIMENT = "default";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--store", paramLabel = "URI",
            description = "Where data lives: jdbc:h2:file:PATH (default ${DEFAULT-VALUE}), jdbc:postgresql://..., "
                    + "jdbc:sqlite:PATH, fs:PATH, memory:. Also VIGIL_STORE.",
            defaultValue = "${env:VIGIL_STORE:-" + DEFAULT_STORE + "}")
    String store;

    @Option(names = {"-e", "--experiment"}, paramLabel = "NAME",
            description = "The experiment (default ${DEFAULT-VALUE}). Also VIGIL_EXPERIMENT.",
            defaultValue = "${env:VIGIL_EXPERIMENT:-" + DEFAULT_EXPERIMENT + "}")
    String experiment;

    /**
     * @return the open store
     * @throws UserError for a URI no store understands or a store that cannot be opened
     */
    Store open() {
        try {
            return ((VigilCommand) mixee.root().userObject()).stores.apply(store);
        } catch (InvalidInputException e) {
            throw new UserError("cannot open store '" + dev.vigil.spi.Secrets.mask(store) + "': " + e.getMessage()
                    + "\n       Use --store with jdbc:h2:file:./vigil-data/vigil (the default), fs:/some/dir or memory:.", e);
        } catch (StoreException e) {
            throw new UserError("cannot open store '" + dev.vigil.spi.Secrets.mask(store) + "': " + e.getMessage(), e);
        }
    }

    /**
     * @param s an open store (the caller closes it after the engine)
     * @return the engine on that store, not monitoring yet
     */
    Vigil vigil(Store s) {
        return builder(s).build();
    }

    /**
     * @param s an open store
     * @return a builder of a Vigil instance on it, to set more before building
     */
    Vigil.Builder builder(Store s) {
        return Vigil.builder().store(s).dashboardUrl(System.getenv(MonitorsCommand.SERVER_URL_ENV));
    }

    /**
     * @param s an open store
     * @return the experiment, created if missing
     */
    Experiment experiment(Store s) {
        return s.experiments().getOrCreate(experiment);
    }

    /**
     * @param s an open store
     * @return the experiment if it exists
     * @throws UserError if it does not, listing the ones that do
     */
    Experiment existingExperiment(Store s) {
        Optional<Experiment> e = s.experiments().findByName(experiment);
        if (e.isPresent()) {
            return e.get();
        }
        var names = s.experiments().list().stream().map(Experiment::name).toList();
        throw new UserError("no experiment '" + experiment + "' in " + s.describe()
                + (names.isEmpty() ? " (it holds none yet)" : "; experiments: " + String.join(", ", names)));
    }
}
