/**
 * JSON: immutable plain-Java JSON values ({@link dev.vigil.spi.json.Json}) and the MLflow trace JSON codec
 * ({@link dev.vigil.spi.json.MlflowJson}).
 */
package dev.vigil.spi.json;
