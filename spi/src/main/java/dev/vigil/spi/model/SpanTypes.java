package dev.vigil.spi.model;

import java.util.Set;

/**
 * MLflow's span types. The set is open: any other string is kept as it is; these are the names MLflow and the
 * built-in judges know.
 */
public final class SpanTypes {
    private SpanTypes() {}

    /** A call to a completion-style LLM. */
    public static final String LLM = "LLM";
    /** A call to a chat model. */
    public static final String CHAT_MODEL = "CHAT_MODEL";
    /** A chain of steps. */
    public static final String CHAIN = "CHAIN";
    /** An agent. */
    public static final String AGENT = "AGENT";
    /** A tool call. */
    public static final String TOOL = "TOOL";
    /** A retrieval returning documents. */
    public static final String RETRIEVER = "RETRIEVER";
    /** An embedding call. */
    public static final String EMBEDDING = "EMBEDDING";
    /** A reranker. */
    public static final String RERANKER = "RERANKER";
    /** An output parser. */
    public static final String PARSER = "PARSER";
    /** A memory read or write. */
    public static final String MEMORY = "MEMORY";
    /** A workflow. */
    public static final String WORKFLOW = "WORKFLOW";
    /** A task. */
    public static final String TASK = "TASK";
    /** A guardrail check. */
    public static final String GUARDRAIL = "GUARDRAIL";
    /** An evaluator. */
    public static final String EVALUATOR = "EVALUATOR";
    /** The type of a span that declared none. */
    public static final String UNKNOWN = "UNKNOWN";

    /** Every type MLflow defines. */
    public static final Set<String> KNOWN = Set.of(LLM, CHAT_MODEL, CHAIN, AGENT, TOOL, RETRIEVER, EMBEDDING,
            RERANKER, PARSER, MEMORY, WORKFLOW, TASK, GUARDRAIL, EVALUATOR, UNKNOWN);
}
