-- Reliability (issue #13): the durable pending-retry queue and the stored partition count of each stream.
CREATE TABLE pending_retries (
    trace_id VARCHAR(1024) NOT NULL,
    scorer_name VARCHAR(1024) NOT NULL,
    scorer_version INTEGER NOT NULL,
    experiment_id VARCHAR(1024) NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed_ns BIGINT NOT NULL,
    next_attempt_ns BIGINT NOT NULL,
    last_kind VARCHAR(1024) NOT NULL,
    last_message VARCHAR(1048576) NOT NULL,
    PRIMARY KEY (trace_id, scorer_name, scorer_version)
);
CREATE INDEX pending_retries_by_due ON pending_retries (next_attempt_ns);
CREATE INDEX pending_retries_by_scorer ON pending_retries (experiment_id, scorer_name, scorer_version);

CREATE TABLE stream_settings (
    stream VARCHAR(1024) PRIMARY KEY,
    partitions INTEGER NOT NULL
);
