/**
 * Offline evaluation: the same scorers and execution as live monitoring, run over a list of traces or plain
 * records, returning feedback per item and aggregates (like {@code mlflow.genai.evaluate}); nothing is stored.
 */
package dev.vigil.core.evaluate;
