-- Hourly rollups of scorer feedback (issue #16's speed goal): per (experiment, scorer, hour of the trace's request
-- time, feedback name, scorer version, recorded sample rate; 0 = none recorded) the sums the dashboard's estimates
-- need. Kept in the transaction that writes the feedback; rebuilt from the assessments by 'vigil rollups rebuild'.
CREATE TABLE rollups (
    experiment_id VARCHAR(64) NOT NULL,
    scorer_name VARCHAR(1000000000) NOT NULL,
    hour_ms BIGINT NOT NULL,
    feedback_name VARCHAR(1000000000) NOT NULL,
    scorer_version INT NOT NULL,
    sample_rate DOUBLE PRECISION NOT NULL,
    value_count BIGINT NOT NULL,
    error_count BIGINT NOT NULL,
    numeric_count BIGINT NOT NULL,
    value_sum DOUBLE PRECISION NOT NULL,
    value_sum_sq DOUBLE PRECISION NOT NULL,
    judged_count BIGINT NOT NULL,
    passed_count BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, scorer_name, hour_ms, feedback_name, scorer_version, sample_rate)
);

-- A category is keyed by the SHA-256 of its text (hex): a value can be longer than an index entry may be.
CREATE TABLE rollup_categories (
    experiment_id VARCHAR(64) NOT NULL,
    scorer_name VARCHAR(1000000000) NOT NULL,
    hour_ms BIGINT NOT NULL,
    feedback_name VARCHAR(1000000000) NOT NULL,
    scorer_version INT NOT NULL,
    sample_rate DOUBLE PRECISION NOT NULL,
    category_key VARCHAR(64) NOT NULL,
    category VARCHAR(1000000000) NOT NULL,
    value_count BIGINT NOT NULL,
    PRIMARY KEY (experiment_id, scorer_name, hour_ms, feedback_name, scorer_version, sample_rate, category_key)
);

-- A database that already holds scorer feedback has no rollups for it until they are rebuilt: readers scan.
INSERT INTO vigil_counters (name, counter_value) SELECT 'rollups_ready',
    CASE WHEN EXISTS (SELECT 1 FROM assessments WHERE scorer_name IS NOT NULL) THEN 0 ELSE 1 END;
