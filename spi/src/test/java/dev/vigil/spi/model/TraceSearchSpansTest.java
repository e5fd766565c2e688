package dev.vigil.spi.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link Trace#searchSpans} with the calls of MLflow's tracing docs ("Search spans" / "Query traces"). */
class TraceSearchSpansTest {

    private static Span span(String id, String parent, String name, String type) {
        return Span.builder().traceId("tr-1").spanId(id).parentSpanId(parent).name(name).spanType(type).build();
    }

    private final Trace trace = new Trace(TraceInfo.builder().traceId("tr-1").experimentId("1").requestTime(java.time.Instant.EPOCH).build(), List.of(
            span("1", null, "rag_pipeline", SpanTypes.CHAIN),
            span("2", "1", "retriever_docs", SpanTypes.RETRIEVER),
            span("3", "1", "retriever_faq", SpanTypes.RETRIEVER),
            span("4", "1", "ChatOpenAI", SpanTypes.CHAT_MODEL),
            span("5", "4", "my_retriever_tool", SpanTypes.TOOL)));

    private static List<String> ids(List<Span> spans) {
        return spans.stream().map(Span::spanId).toList();
    }

    @Test
    void bySpanType_likeSearchSpansSpanTypeRetriever() {
        assertThat(ids(trace.searchSpans(SpanTypes.RETRIEVER, (String) null))).containsExactly("2", "3");
    }

    @Test
    void byExactName_andByTypeAndName() {
        assertThat(ids(trace.searchSpans(null, "ChatOpenAI"))).containsExactly("4");
        assertThat(ids(trace.searchSpans(SpanTypes.TOOL, "ChatOpenAI"))).isEmpty();
    }

    @Test
    void byRegex_searchesAnywhereInTheName_likePythonsPatternSearch() {
        assertThat(ids(trace.searchSpans(null, Pattern.compile("retriever_")))).containsExactly("2", "3", "5");
        assertThat(ids(trace.searchSpans(null, Pattern.compile("^retriever_.*")))).containsExactly("2", "3");
        assertThat(ids(trace.searchSpans(SpanTypes.RETRIEVER, Pattern.compile("faq$")))).containsExactly("3");
    }

    @Test
    void noCriteria_returnsEverySpanInOrder() {
        assertThat(ids(trace.searchSpans(null, (String) null))).containsExactly("1", "2", "3", "4", "5");
    }
}
