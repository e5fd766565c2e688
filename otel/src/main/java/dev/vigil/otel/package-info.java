/**
 * OpenTelemetry in: OTLP trace decoding ({@link dev.vigil.otel.OtlpDecoder}), mapping of the GenAI conventions to
 * MLflow traces ({@link dev.vigil.otel.OtlpMapper}), routing ({@link dev.vigil.otel.ExperimentRouter}), trace
 * assembly ({@link dev.vigil.otel.TraceAssembler}), the whole intake ({@link dev.vigil.otel.OtlpIngest}) and the
 * in-process {@link dev.vigil.otel.VigilSpanExporter}.
 */
package dev.vigil.otel;
