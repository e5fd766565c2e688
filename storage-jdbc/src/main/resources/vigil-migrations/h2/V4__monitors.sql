-- Monitors (issue #17): versioned definitions (JSON validated by vigil-core) and their state transitions.
CREATE TABLE monitor_versions (
    experiment_id VARCHAR(64) NOT NULL,
    name VARCHAR(256) NOT NULL,
    version INT NOT NULL,
    definition VARCHAR(1000000000) NOT NULL,
    created_ns BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, name, version)
);

CREATE TABLE monitor_transitions (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    experiment_id VARCHAR(64) NOT NULL,
    monitor_name VARCHAR(256) NOT NULL,
    monitor_version INT NOT NULL,
    at_ns BIGINT NOT NULL,
    from_state VARCHAR(256) NOT NULL,
    to_state VARCHAR(256) NOT NULL,
    value_estimate DOUBLE PRECISION,
    ci_low DOUBLE PRECISION,
    ci_high DOUBLE PRECISION,
    sample_size BIGINT NOT NULL,
    window_start_ns BIGINT NOT NULL,
    window_end_ns BIGINT NOT NULL,
    trace_ids VARCHAR(1000000000) NOT NULL
);

CREATE INDEX monitor_transitions_by_monitor ON monitor_transitions (experiment_id, monitor_name, at_ns);
