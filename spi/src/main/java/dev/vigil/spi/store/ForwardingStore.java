package dev.vigil.spi.store;

import java.util.Objects;

/**
 * A store that forwards every call to another one; a wrapper overrides only what it changes (for example the
 * assessment store, to observe every write). New {@link Store} methods are forwarded here once, so no wrapper
 * silently falls back to a default.
 */
public abstract class ForwardingStore implements Store {
    private final Store delegate;

    /** @param delegate the store every call goes to */
    protected ForwardingStore(Store delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the store every call goes to */
    protected final Store delegate() {
        return delegate;
    }

    @Override
    public ExperimentStore experiments() {
        return delegate.experiments();
    }

    @Override
    public TraceStore traces() {
        return delegate.traces();
    }

    @Override
    public AssessmentStore assessments() {
        return delegate.assessments();
    }

    @Override
    public ScorerStore scorers() {
        return delegate.scorers();
    }

    @Override
    public JobStore jobs() {
        return delegate.jobs();
    }

    @Override
    public MonitorStore monitors() {
        return delegate.monitors();
    }

    @Override
    public RetryQueue retries() {
        return delegate.retries();
    }

    @Override
    public Coordination coordination() {
        return delegate.coordination();
    }

    @Override
    public BudgetStore budgets() {
        return delegate.budgets();
    }

    @Override
    public RollupStore rollups() {
        return delegate.rollups();
    }

    @Override
    public NotificationOutbox outbox() {
        return delegate.outbox();
    }

    @Override
    public long skippedRows() {
        return delegate.skippedRows();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
