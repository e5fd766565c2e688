-- Issue #15: a trace updated by late OpenTelemetry spans can be scored again under the re-score rule. Scorer feedback
-- is then keyed by the trace revision it judged too, so the feedback on the earlier revision stays as history
-- (valid = false, overridden by the new one) instead of being replaced. Existing rows judged revision 0.
ALTER TABLE assessments ADD COLUMN trace_revision BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE assessments DROP CONSTRAINT assessments_scorer_key;
ALTER TABLE assessments ADD CONSTRAINT assessments_scorer_key UNIQUE (trace_id, name, scorer_name, scorer_version, trace_revision);
