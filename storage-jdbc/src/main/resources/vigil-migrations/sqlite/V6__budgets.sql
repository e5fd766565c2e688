-- Budgets on LLM-judge spend (issue #17) and their per-period counters, shared by every engine using the store.
-- Money is counted in nano-dollars (10^-9 USD) so that sums are exact.
CREATE TABLE budgets (
    experiment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    scorer_name TEXT,
    period TEXT NOT NULL,
    max_tokens INTEGER NOT NULL,
    max_nusd INTEGER NOT NULL,
    max_usd DOUBLE PRECISION NOT NULL,
    action TEXT NOT NULL,
    updated_ns INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, name)
);

CREATE TABLE budget_usage (
    experiment_id TEXT NOT NULL,
    budget_name TEXT NOT NULL,
    period_start_ns INTEGER NOT NULL,
    spent_tokens INTEGER NOT NULL,
    spent_nusd INTEGER NOT NULL,
    reserved_tokens INTEGER NOT NULL,
    reserved_nusd INTEGER NOT NULL,
    calls INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    alerted_percent INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, budget_name, period_start_ns)
);
