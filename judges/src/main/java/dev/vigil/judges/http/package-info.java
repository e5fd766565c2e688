/**
 * The provider-author API: what a new judge provider (a {@link dev.vigil.spi.judge.JudgeProvider} for another
 * vendor) builds on. {@link dev.vigil.judges.http.HttpJudgeModel} is the template (one POST per call, HTTP
 * failures mapped to {@link dev.vigil.spi.judge.JudgeException}s of the right
 * {@link dev.vigil.spi.judge.FailureKind}, Retry-After, credential redaction, the JSON-schema fallback): a
 * provider supplies endpoint, headers, body and answer. {@link dev.vigil.judges.http.ChatCompletionsModel} is the
 * whole Chat Completions wire for OpenAI-compatible vendors; {@link dev.vigil.judges.http.ProviderSettings} reads
 * keys, base URLs and the timeout with errors that say what to set. The testkit's
 * {@code dev.vigil.testkit.judge.JudgeProviderConformanceSuite} checks a provider; see "Writing a judge provider"
 * ({@code docs/writing-a-judge-provider.md}).
 */
package dev.vigil.judges.http;
