-- Issue #17, session 4: budget alert destinations (JSON list of {type, settings}; settings are secrets) and the
-- reservations held by judge calls in flight, so that one never settled (its engine died) is returned to its
-- budget after it expires.
ALTER TABLE budgets ADD COLUMN notify_json TEXT;

CREATE TABLE budget_reservations (
    reservation_id TEXT NOT NULL PRIMARY KEY,
    experiment_id TEXT NOT NULL,
    budget_name TEXT NOT NULL,
    period_start_ns INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    nusd INTEGER NOT NULL,
    expires_ns INTEGER NOT NULL
);

CREATE INDEX budget_reservations_expiry ON budget_reservations (expires_ns);
CREATE INDEX budget_reservations_budget ON budget_reservations (experiment_id, budget_name);
