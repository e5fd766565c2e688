/**
 * The data model, compatible with MLflow 3: {@link dev.vigil.spi.model.Trace traces} made of
 * {@link dev.vigil.spi.model.TraceInfo info} and {@link dev.vigil.spi.model.Span spans}, and the
 * {@link dev.vigil.spi.model.Assessment assessments} (feedback and expectations) attached to them. Every type is
 * an immutable record; JSON values inside them are plain immutable Java values (see {@link dev.vigil.spi.json.Json}).
 */
package dev.vigil.spi.model;
