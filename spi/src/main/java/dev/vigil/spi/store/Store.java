package dev.vigil.spi.store;

/**
 * A storage backend: experiments, traces, assessments, scorers and jobs, all in one place. Opened by a
 * {@link StoreProvider} from a URI ({@code memory:}, {@code jdbc:...}, {@code fs:/path}) through
 * {@link Stores#open(String)}. Thread-safe.
 */
public interface Store extends AutoCloseable {

    /** @return the experiments */
    ExperimentStore experiments();

    /** @return the traces */
    TraceStore traces();

    /** @return the assessments */
    AssessmentStore assessments();

    /** @return the registered scorers */
    ScorerStore scorers();

    /** @return background jobs, cursors and leases */
    JobStore jobs();

    /**
     * Monitors and their state history. Stores that do not keep monitors yet fail with
     * {@link UnsupportedOperationException}.
     *
     * @return the monitors
     */
    default MonitorStore monitors() {
        throw new UnsupportedOperationException("store " + describe() + " does not keep monitors");
    }

    /**
     * The durable queue of pairs waiting for a later attempt after a transient failure. Stores without one fail
     * with {@link UnsupportedOperationException}.
     *
     * @return the retry queue
     */
    default RetryQueue retries() {
        throw new UnsupportedOperationException("store " + describe() + " does not keep a retry queue");
    }

    /**
     * Fenced cursor and checkpoint writes, and the stored partition count. Stores without them fail with
     * {@link UnsupportedOperationException}.
     *
     * @return the coordination operations
     */
    default Coordination coordination() {
        throw new UnsupportedOperationException("store " + describe() + " does not support fenced writes");
    }

    /**
     * Budgets on LLM-judge spend and their counters. Stores that do not keep budgets fail with
     * {@link UnsupportedOperationException}.
     *
     * @return the budgets
     */
    default BudgetStore budgets() {
        throw new UnsupportedOperationException("store " + describe() + " does not keep budgets");
    }

    /**
     * Hourly rollups of scorer feedback, kept as feedback is written. Stores without them fail with
     * {@link UnsupportedOperationException}; readers then scan the values.
     *
     * @return the rollups
     */
    default RollupStore rollups() {
        throw new UnsupportedOperationException("store " + describe() + " does not keep rollups");
    }

    /**
     * The durable outbox of alert notifications, so an alert recorded before a crash is still sent. Stores without
     * one fail with {@link UnsupportedOperationException}.
     *
     * @return the outbox
     */
    default NotificationOutbox outbox() {
        throw new UnsupportedOperationException("store " + describe() + " does not keep a notification outbox");
    }

    /** @return the URI this store was opened from, any password masked */
    String describe();

    /**
     * Rows this store could not read since it was opened and skipped (each logged once as it was met): rows an
     * older version wrote over today's {@link WriteLimits}, or damaged ones. Shown in the engine's health.
     *
     * @return the count; 0 for a store that cannot hold such rows
     */
    default long skippedRows() {
        return 0;
    }

    /** Releases the store's resources; idempotent. Operations after close fail. */
    @Override
    void close();
}
