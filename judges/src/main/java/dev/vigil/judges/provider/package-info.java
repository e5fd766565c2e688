/**
 * The built-in judge providers (not exported; found by {@link java.util.ServiceLoader}): OpenAI-compatible Chat
 * Completions ({@code openai}, {@code databricks}, {@code gateway}), Anthropic Messages ({@code anthropic}) and
 * Gemini ({@code gemini}), each built on the exported provider-author API {@link dev.vigil.judges.http}.
 */
package dev.vigil.judges.provider;
