-- Issue #17, session 4: budget alert destinations (JSON list of {type, settings}; settings are secrets) and the
-- reservations held by judge calls in flight, so that one never settled (its engine died) is returned to its
-- budget after it expires.
ALTER TABLE budgets ADD COLUMN notify_json VARCHAR(1000000000);

CREATE TABLE budget_reservations (
    reservation_id VARCHAR(256) NOT NULL PRIMARY KEY,
    experiment_id VARCHAR(256) NOT NULL,
    budget_name VARCHAR(256) NOT NULL,
    period_start_ns BIGINT NOT NULL,
    tokens BIGINT NOT NULL,
    nusd BIGINT NOT NULL,
    expires_ns BIGINT NOT NULL
);

CREATE INDEX budget_reservations_expiry ON budget_reservations (expires_ns);
CREATE INDEX budget_reservations_budget ON budget_reservations (experiment_id, budget_name);
