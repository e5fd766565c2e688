package dev.vigil.otel;

import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import java.util.Locale;
import java.util.Map;

/**
 * A span's MLflow span type from its attributes, first convention present: {@code mlflow.spanType};
 * {@code openinference.span.kind}; {@code gen_ai.operation.name}; {@code traceloop.span.kind};
 * {@code llm.request.type}; else UNKNOWN.
 */
final class ConventionSpanTypes {

    private ConventionSpanTypes() {}

    // ------------------------------------------------------------------ span type

    static String spanType(Map<String, Object> attrs) {
        Object mlflow = attrs.get(Span.ATTR_SPAN_TYPE);
        if (mlflow instanceof String t && !t.isBlank()) {
            return OtlpMapper.unquote(t);
        }
        if (attrs.get("openinference.span.kind") instanceof String kind) {
            String k = kind.toUpperCase(Locale.ROOT);
            return switch (k) {
                case "LLM", "CHAIN", "TOOL", "AGENT", "RETRIEVER", "EMBEDDING", "RERANKER", "GUARDRAIL",
                        "EVALUATOR" -> k;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("gen_ai.operation.name") instanceof String op) {
            return switch (op) {
                case "chat", "generate_content" -> SpanTypes.CHAT_MODEL;
                case "text_completion" -> SpanTypes.LLM;
                case "embeddings" -> SpanTypes.EMBEDDING;
                case "execute_tool" -> SpanTypes.TOOL;
                case "invoke_agent", "create_agent" -> SpanTypes.AGENT;
                case "retrieval" -> SpanTypes.RETRIEVER;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("traceloop.span.kind") instanceof String kind) {
            return switch (kind) {
                case "workflow" -> SpanTypes.WORKFLOW;
                case "task" -> SpanTypes.TASK;
                case "agent" -> SpanTypes.AGENT;
                case "tool" -> SpanTypes.TOOL;
                default -> SpanTypes.UNKNOWN;
            };
        }
        if (attrs.get("llm.request.type") instanceof String kind) {
            return switch (kind) {
                case "chat" -> SpanTypes.CHAT_MODEL;
                case "completion" -> SpanTypes.LLM;
                case "embedding" -> SpanTypes.EMBEDDING;
                case "rerank" -> SpanTypes.RERANKER;
                default -> SpanTypes.LLM;
            };
        }
        return SpanTypes.UNKNOWN;
    }
}
