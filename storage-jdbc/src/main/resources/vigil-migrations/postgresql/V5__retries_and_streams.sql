-- Reliability (issue #13): the durable pending-retry queue and the stored partition count of each stream.
CREATE TABLE pending_retries (
    trace_id TEXT COLLATE "C" NOT NULL,
    scorer_name TEXT COLLATE "C" NOT NULL,
    scorer_version INTEGER NOT NULL,
    experiment_id TEXT COLLATE "C" NOT NULL,
    attempts INTEGER NOT NULL,
    first_failed_ns BIGINT NOT NULL,
    next_attempt_ns BIGINT NOT NULL,
    last_kind TEXT NOT NULL,
    last_message TEXT NOT NULL,
    PRIMARY KEY (trace_id, scorer_name, scorer_version)
);
CREATE INDEX pending_retries_by_due ON pending_retries (next_attempt_ns);
CREATE INDEX pending_retries_by_scorer ON pending_retries (experiment_id, scorer_name, scorer_version);

CREATE TABLE stream_settings (
    stream TEXT COLLATE "C" PRIMARY KEY,
    partitions INTEGER NOT NULL
);
