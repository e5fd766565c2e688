package dev.vigil.spi.scorer;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.ExpectationValue;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanTypes;
import dev.vigil.spi.model.Trace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scorer is given, as MLflow gives it: {@code inputs} = the root span's inputs, {@code outputs} = the
 * root span's outputs, {@code expectations} = {name: value} of the trace's valid expectation assessments, and
 * the trace itself.
 *
 * @param inputs the root span inputs (a JSON value; usually a map), or null
 * @param outputs the root span outputs (a JSON value), or null
 * @param expectations expectation name → value (immutable)
 * @param trace the trace, or null when scoring a plain record outside any trace
 */
public record ScorerInput(Object inputs, Object outputs, Map<String, Object> expectations, Trace trace) {

    /** Freezes. */
    @SuppressWarnings("unchecked")
    public ScorerInput {
        inputs = Json.freeze(inputs);
        outputs = Json.freeze(outputs);
        expectations = expectations == null ? Map.of() : (Map<String, Object>) Json.freeze(expectations);
    }

    /**
     * @param trace a trace
     * @return the scorer input MLflow would build from it
     */
    public static ScorerInput of(Trace trace) {
        Span root = trace.rootSpan().orElse(null);
        Map<String, Object> expectations = null; // none (the usual case): no map to build and freeze
        for (Assessment a : trace.info().assessments()) {
            if (a.valid() && a.value() instanceof ExpectationValue e) {
                if (expectations == null) {
                    expectations = new LinkedHashMap<>();
                }
                expectations.put(a.name(), e.value());
            }
        }
        return new ScorerInput(root == null ? null : root.inputs(), root == null ? null : root.outputs(),
                expectations == null ? null : Collections.unmodifiableMap(expectations), trace);
    }

    /**
     * @param inputs inputs
     * @param outputs outputs
     * @param expectations expectations, or null
     * @return a scorer input for a plain record (no trace), as {@code mlflow.genai.evaluate} builds from data
     */
    public static ScorerInput ofRecord(Object inputs, Object outputs, Map<String, Object> expectations) {
        return new ScorerInput(inputs, outputs, expectations, null);
    }

    /**
     * @param key a key
     * @return {@code inputs[key]} when the inputs are a map, else null
     */
    public Object input(String key) {
        return inputs instanceof Map<?, ?> m ? m.get(key) : null;
    }

    /**
     * @param key a key
     * @return {@code outputs[key]} when the outputs are a map, else null
     */
    public Object output(String key) {
        return outputs instanceof Map<?, ?> m ? m.get(key) : null;
    }

    /** @return the outputs as text: a string as it is, anything else as JSON; empty for null */
    public String outputText() {
        return outputs == null ? "" : outputs instanceof String s ? s : Json.write(outputs);
    }

    /** @return the inputs as text: a string as it is, anything else as JSON; empty for null */
    public String inputText() {
        return inputs == null ? "" : inputs instanceof String s ? s : Json.write(inputs);
    }

    /**
     * The retrieval context: the documents in the outputs of the top-level RETRIEVER spans, span by span.
     *
     * @return span id → its documents, in span order (empty without a trace)
     */
    public Map<String, List<RetrievedDocument>> retrievalContext() {
        if (trace == null) {
            return Map.of();
        }
        Map<String, List<RetrievedDocument>> out = new LinkedHashMap<>();
        for (Span span : trace.topLevelSpansOfType(SpanTypes.RETRIEVER)) {
            List<RetrievedDocument> docs = new ArrayList<>();
            if (span.outputs() instanceof List<?> list) {
                for (Object item : list) {
                    docs.add(document(span.spanId(), item));
                }
            } else if (span.outputs() != null) {
                docs.add(document(span.spanId(), span.outputs()));
            }
            out.put(span.spanId(), List.copyOf(docs));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * A retrieved document in any form MLflow reads: LangChain's {@code {"page_content", "metadata": {"doc_uri"}}},
     * MLflow's {@code {"content", "doc_uri"}} ({@code mlflow.entities.Document} as a dict), or a top-level
     * {@code uri}/{@code doc_uri}; anything else is kept as its JSON text.
     */
    private static RetrievedDocument document(String spanId, Object item) {
        if (item instanceof Map<?, ?> m) {
            Object content = m.get("page_content");
            if (content == null) {
                content = m.get("content");
            }
            String uri = null;
            if (m.get("metadata") instanceof Map<?, ?> md && md.get("doc_uri") != null) {
                uri = String.valueOf(md.get("doc_uri"));
            } else if (m.get("doc_uri") != null) {
                uri = String.valueOf(m.get("doc_uri"));
            } else if (m.get("uri") != null) {
                uri = String.valueOf(m.get("uri"));
            }
            String text = content == null ? Json.write(item) : content instanceof String s ? s : Json.write(content);
            return new RetrievedDocument(spanId, text, uri);
        }
        return new RetrievedDocument(spanId, item instanceof String s ? s : Json.write(item), null);
    }
}
