-- Vigil schema, version 1 (SQLite). Times are epoch nanoseconds unless the column says _ms.
CREATE TABLE vigil_counters (
    name TEXT PRIMARY KEY,
    counter_value INTEGER NOT NULL
);
INSERT INTO vigil_counters (name, counter_value) VALUES ('trace_seq', 0);
INSERT INTO vigil_counters (name, counter_value) VALUES ('experiment_id', 0);

CREATE TABLE experiments (
    experiment_id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    ord INTEGER NOT NULL,
    created_ns INTEGER NOT NULL
);

CREATE TABLE traces (
    trace_id TEXT PRIMARY KEY,
    experiment_id TEXT NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    request_ms INTEGER NOT NULL,
    request_sub_ns INTEGER NOT NULL,
    duration_ms INTEGER,
    end_ms INTEGER,
    state TEXT NOT NULL,
    trace_name TEXT,
    run_id TEXT,
    client_request_id TEXT,
    body TEXT NOT NULL
);
CREATE INDEX traces_by_time ON traces (experiment_id, request_ms, request_sub_ns, trace_id);

CREATE TABLE trace_tags (
    trace_id TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT,
    PRIMARY KEY (trace_id, tag_key)
);
CREATE INDEX trace_tags_by_key ON trace_tags (tag_key);

CREATE TABLE trace_metadata (
    trace_id TEXT NOT NULL,
    md_key TEXT NOT NULL,
    md_value TEXT,
    PRIMARY KEY (trace_id, md_key)
);
CREATE INDEX trace_metadata_by_key ON trace_metadata (md_key);

CREATE TABLE trace_spans (
    trace_id TEXT NOT NULL,
    span_no INTEGER NOT NULL,
    span_name TEXT NOT NULL,
    span_type TEXT NOT NULL,
    span_status TEXT NOT NULL,
    PRIMARY KEY (trace_id, span_no)
);

CREATE TABLE assessments (
    ord INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id TEXT NOT NULL UNIQUE,
    trace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    scorer_name TEXT,
    scorer_version INTEGER,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    body TEXT NOT NULL,
    CONSTRAINT assessments_scorer_key UNIQUE (trace_id, name, scorer_name, scorer_version)
);
CREATE INDEX assessments_by_scorer ON assessments (scorer_name, scorer_version, trace_id);

CREATE TABLE scorer_versions (
    experiment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    config TEXT NOT NULL,
    sample_rate REAL NOT NULL,
    filter_string TEXT,
    revision INTEGER NOT NULL,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    PRIMARY KEY (experiment_id, name, version)
);

CREATE TABLE jobs (
    ord INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL UNIQUE,
    experiment_id TEXT NOT NULL,
    job_type TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    progress TEXT NOT NULL,
    checkpoint TEXT,
    message TEXT,
    revision INTEGER NOT NULL,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL
);
CREATE INDEX jobs_by_experiment ON jobs (experiment_id, created_ns);

CREATE TABLE cursors (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

CREATE TABLE leases (
    resource TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    token INTEGER NOT NULL,
    expires_ns INTEGER NOT NULL
);
CREATE INDEX leases_by_expiry ON leases (expires_ns);
