-- Monitors (issue #17): versioned definitions (JSON validated by vigil-core) and their state transitions.
CREATE TABLE monitor_versions (
    experiment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, name, version)
);

CREATE TABLE monitor_transitions (
    id TEXT NOT NULL PRIMARY KEY,
    experiment_id TEXT NOT NULL,
    monitor_name TEXT NOT NULL,
    monitor_version INTEGER NOT NULL,
    at_ns INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    value_estimate REAL,
    ci_low REAL,
    ci_high REAL,
    sample_size INTEGER NOT NULL,
    window_start_ns INTEGER NOT NULL,
    window_end_ns INTEGER NOT NULL,
    trace_ids TEXT NOT NULL
);

CREATE INDEX monitor_transitions_by_monitor ON monitor_transitions (experiment_id, monitor_name, at_ns);
