/**
 * The judge providers (not exported; found by {@link java.util.ServiceLoader}): OpenAI-compatible Chat
 * Completions ({@code openai}, {@code databricks}, {@code gateway}), Anthropic Messages ({@code anthropic}) and
 * Gemini ({@code gemini}), each a small subclass of {@link dev.vigil.judges.provider.HttpJudgeModel}.
 */
package dev.vigil.judges.provider;
