/**
 * The judge-provider conformance kit: {@link dev.vigil.testkit.judge.JudgeProviderConformanceSuite}, the abstract
 * JUnit 5 class every {@link dev.vigil.spi.judge.JudgeProvider}'s test extends, and
 * {@link dev.vigil.testkit.judge.ScorerCodecConformanceSuite} for every {@link dev.vigil.spi.scorer.ScorerCodec}.
 */
package dev.vigil.testkit.judge;
