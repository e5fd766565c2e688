package dev.vigil.cli;

import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ExperimentStore;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TraceStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Function;

/** Runs the vigil command in-process as a user would, capturing what it prints and its exit code. */
final class Cli {

    /**
     * @param code the exit code
     * @param out what it printed on standard output
     * @param err what it printed on standard error
     */
    record Result(int code, String out, String err) {}

    private final Function<String, Store> stores;

    private Cli(Function<String, Store> stores) {
        this.stores = stores;
    }

    /** @return a runner opening stores from their URIs, as the real command does */
    static Cli real() {
        return new Cli(Stores::open);
    }

    /**
     * @param stores how the commands open stores from their URIs
     * @return a runner using that opener
     */
    static Cli with(Function<String, Store> stores) {
        return new Cli(stores);
    }

    /**
     * @param held a store the test holds open (an in-memory store lives only as long as it is open)
     * @return a runner whose commands all use that store, whatever --store says; they cannot close it
     */
    static Cli on(Store held) {
        return new Cli(uri -> new Held(held));
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VigilCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), stores).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A view of a store whose close() leaves the store open. */
    private record Held(Store store) implements Store {
        @Override
        public ExperimentStore experiments() {
            return store.experiments();
        }

        @Override
        public TraceStore traces() {
            return store.traces();
        }

        @Override
        public AssessmentStore assessments() {
            return store.assessments();
        }

        @Override
        public ScorerStore scorers() {
            return store.scorers();
        }

        @Override
        public dev.vigil.spi.store.MonitorStore monitors() {
            return store.monitors();
        }

        @Override
        public JobStore jobs() {
            return store.jobs();
        }

        @Override
        public dev.vigil.spi.store.BudgetStore budgets() {
            return store.budgets();
        }

        @Override
        public dev.vigil.spi.store.RollupStore rollups() {
            return store.rollups();
        }

        @Override
        public dev.vigil.spi.store.RetryQueue retries() {
            return store.retries();
        }

        @Override
        public dev.vigil.spi.store.Coordination coordination() {
            return store.coordination();
        }

        @Override
        public dev.vigil.spi.store.NotificationOutbox outbox() {
            return store.outbox();
        }

        @Override
        public String describe() {
            return store.describe();
        }

        @Override
        public void close() {
            // the test closes the store it holds
        }
    }
}
