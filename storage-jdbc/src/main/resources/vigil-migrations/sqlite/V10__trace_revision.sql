-- Issue #15: a trace updated by late OpenTelemetry spans can be scored again under the re-score rule. Scorer feedback
-- is then keyed by the trace revision it judged too, so the feedback on the earlier revision stays as history
-- (valid = false, overridden by the new one) instead of being replaced. Existing rows judged revision 0.
-- SQLite cannot drop a table constraint: the table is rebuilt, keeping its rows, their order and their indexes.
CREATE TABLE assessments_v10 (
    ord INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id TEXT NOT NULL UNIQUE,
    trace_id TEXT NOT NULL,
    name TEXT NOT NULL,
    scorer_name TEXT,
    scorer_version INTEGER,
    created_ns INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    body TEXT NOT NULL,
    trace_revision INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT assessments_scorer_key UNIQUE (trace_id, name, scorer_name, scorer_version, trace_revision)
);
INSERT INTO assessments_v10 (ord, assessment_id, trace_id, name, scorer_name, scorer_version, created_ns, updated_ns,
    body, trace_revision)
SELECT ord, assessment_id, trace_id, name, scorer_name, scorer_version, created_ns, updated_ns, body, 0
FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_v10 RENAME TO assessments;
CREATE INDEX assessments_by_scorer ON assessments (scorer_name, scorer_version, trace_id);
