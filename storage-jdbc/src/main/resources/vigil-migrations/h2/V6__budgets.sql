-- Budgets on LLM-judge spend (issue #17) and their per-period counters, shared by every engine using the store.
-- Money is counted in nano-dollars (10^-9 USD) so that sums are exact.
CREATE TABLE budgets (
    experiment_id VARCHAR(256) NOT NULL,
    name VARCHAR(256) NOT NULL,
    scorer_name VARCHAR(256),
    period VARCHAR(256) NOT NULL,
    max_tokens BIGINT NOT NULL,
    max_nusd BIGINT NOT NULL,
    max_usd DOUBLE PRECISION NOT NULL,
    action VARCHAR(256) NOT NULL,
    updated_ns BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, name)
);

CREATE TABLE budget_usage (
    experiment_id VARCHAR(256) NOT NULL,
    budget_name VARCHAR(256) NOT NULL,
    period_start_ns BIGINT NOT NULL,
    spent_tokens BIGINT NOT NULL,
    spent_nusd BIGINT NOT NULL,
    reserved_tokens BIGINT NOT NULL,
    reserved_nusd BIGINT NOT NULL,
    calls BIGINT NOT NULL,
    skipped BIGINT NOT NULL,
    alerted_percent INT NOT NULL,
    PRIMARY KEY (experiment_id, budget_name, period_start_ns)
);
