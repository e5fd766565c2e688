/**
 * LLM judges: MLflow's built-in judges, Guidelines, custom prompt and template judges ({@link
 * dev.vigil.judges.Judges}), and the runtime that calls judge models by URI with retries, limits, a circuit
 * breaker, a cache and cost accounting ({@link dev.vigil.judges.JudgeRuntime}).
 */
package dev.vigil.judges;
