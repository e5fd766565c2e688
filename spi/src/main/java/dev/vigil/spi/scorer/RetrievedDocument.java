package dev.vigil.spi.scorer;

import java.util.Objects;

/**
 * One document a RETRIEVER span returned, as MLflow reads it ({@code page_content}, {@code metadata.doc_uri}).
 *
 * @param spanId the retriever span that returned it
 * @param content the document text ({@code page_content}), never null
 * @param docUri the document's URI ({@code metadata.doc_uri}), or null
 */
public record RetrievedDocument(String spanId, String content, String docUri) {
    /** Validates. */
    public RetrievedDocument {
        Objects.requireNonNull(spanId, "spanId");
        content = content == null ? "" : content;
    }
}
