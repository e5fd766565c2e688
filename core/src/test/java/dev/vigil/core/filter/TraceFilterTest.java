package dev.vigil.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Trace;
import dev.vigil.testkit.Fixtures;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TraceFilterTest {

    private static final Trace RICH = FilterTraces.rich();
    private static final Trace BARE = FilterTraces.bare();
    private static final Set<FieldKind> KINDS_SEEN = EnumSet.noneOf(FieldKind.class);
    private static final Set<Operator> OPERATORS_SEEN = EnumSet.noneOf(Operator.class);
    private static final Set<String> ATTRIBUTES_SEEN = new HashSet<>();

    /** filter, matches the rich trace, matches the bare trace. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // trace attributes, under each prefix
                arguments("attributes.status = 'OK'", true, false),
                arguments("attribute.status = 'IN_PROGRESS'", false, true),
                arguments("trace.status != 'ERROR'", true, true),
                arguments("attributes.status IN ('OK', 'ERROR')", true, false),
                arguments("attributes.timestamp_ms = 1717200000000", true, false),
                arguments("attributes.timestamp_ms > 1717199999999", true, false),
                arguments("attributes.timestamp_ms >= 1717200000000", true, false),
                arguments("attributes.timestamp_ms < 1717200000000", false, true),
                arguments("attributes.timestamp_ms <= 1000", false, true),
                arguments("trace.timestamp_ms > 1.7171e12", true, false),
                arguments("attributes.execution_time_ms > 1000", true, false),
                arguments("attributes.execution_time_ms IS NULL", false, true),
                arguments("attributes.execution_time_ms IS NOT NULL", true, false),
                arguments("attributes.execution_time_ms NOT IN (1, 2, 3)", true, false),
                arguments("attributes.end_time_ms = 1717200001500", true, false),
                arguments("attributes.end_time_ms IS NULL", false, true),
                arguments("attributes.name = 'chat_pipeline'", true, false),
                arguments("attributes.name LIKE 'chat%'", true, false),
                arguments("attributes.client_request_id = 'req-42'", true, false),
                arguments("attributes.client_request_id IS NULL", false, true),
                arguments("attributes.run_id = 'run-7'", true, false),
                arguments("attributes.request_id = 'tr-0af7651916cd43dd8448eb211c80319c'", true, false),
                arguments("attributes.request_id LIKE 'tr-%'", true, true),
                // tags
                arguments("tags.env = 'prod'", true, false),
                arguments("tag.env = \"prod\"", true, false),
                arguments("tags.env != 'dev'", true, false),
                arguments("tags.team = 'search'", false, false),
                arguments("tags.team ILIKE 'search'", true, false),
                arguments("tags.team LIKE 'search'", false, false),
                arguments("tags.team LIKE 'S_arch'", true, false),
                arguments("tags.team ILIKE '%EAR%'", true, false),
                arguments("tags.team LIKE '%rch'", true, false),
                arguments("tags.`mlflow.traceName` = 'chat_pipeline'", true, false),
                arguments("tags.mlflow.traceName = 'chat_pipeline'", true, false),
                arguments("tags.`o'brien` = 'quote\\'s'", true, false),
                arguments("tags.env IN ('dev', 'prod')", true, false),
                arguments("tags.env NOT IN ('dev', 'staging')", true, false),
                arguments("tags.missing IS NULL", true, true),
                arguments("tags.env IS NOT NULL", true, false),
                arguments("tags.env < 'q'", true, false),
                arguments("tags.env > 'q'", false, false),
                // metadata
                arguments("metadata.`mlflow.user` = 'alice'", true, false),
                arguments("request_metadata.`mlflow.user` = 'alice'", true, false),
                arguments("metadata.tokens > 1000", true, false),
                arguments("metadata.tokens = 1234", true, false),
                arguments("metadata.tokens <= 1233.5", false, false),
                arguments("metadata.`mlflow.user` > 100", false, false),
                // spans: any span matches
                arguments("span.name = 'llm'", true, false),
                arguments("span.name LIKE 'retrieve%'", true, false),
                arguments("span.name != 'llm'", true, false),
                arguments("span.type = 'RETRIEVER'", true, false),
                arguments("span.type IN ('TOOL', 'PARSER')", false, false),
                arguments("span.status = 'ERROR'", true, false),
                arguments("span.status NOT IN ('OK', 'UNSET')", true, false),
                arguments("span.attributes.model = 'gpt-4o'", true, false),
                arguments("span.attributes.k >= 5", true, false),
                arguments("span.attributes.temperature < 0.5", true, false),
                arguments("span.attributes.`index.name` ILIKE 'DOCS-%'", true, false),
                arguments("span.attributes.missing IS NULL", true, true),
                arguments("span.attributes.model IS NOT NULL", true, false),
                // feedback already on the trace
                arguments("feedback.user_rating = 'no'", true, false),
                arguments("assessment.user_rating = 'no'", true, false),
                arguments("feedback.relevance >= 0.8", true, false),
                arguments("feedback.relevance > 0.8", false, false),
                arguments("feedback.safe = 'true'", true, false),
                arguments("feedback.safe = 1", true, false),
                arguments("feedback.old_rating = 'yes'", false, false),
                arguments("feedback.old_rating IS NULL", true, true),
                arguments("feedback.expected_response IS NULL", true, true),
                arguments("feedback.user_rating IS NOT NULL", true, false),
                // MLflow's bare attributes and aliases (search_traces docs, SearchTraceUtils)
                arguments("name = 'chat_pipeline'", true, false),
                arguments("status = 'OK'", true, false),
                arguments("timestamp > 1000", true, false),
                arguments("trace.timestamp >= 1000", true, true),
                arguments("execution_time > 500", true, false),
                arguments("end_time < 2000000000000", true, false),
                arguments("run_id = 'run-7'", true, false),
                arguments("trace.run_id IN ('run-7', 'run-8')", true, false),
                arguments("client_request_id = 'req-42'", true, false),
                arguments("request_id = 'tr-bare'", false, true),
                arguments("trace_id = 'tr-bare'", false, true),
                arguments("prompt = 'qa/2'", true, false),
                arguments("prompt = 'qa/3'", false, false),
                // RLIKE: a Java regex found anywhere; unknown escapes such as \. and \d stay in the pattern
                arguments("span.name RLIKE '^retrieve'", true, false),
                arguments("span.name RLIKE 'retrieve\\.docs'", false, false),
                arguments("span.attributes.`index.name` RLIKE 'docs-v\\d'", true, false),
                arguments("metadata.`mlflow.user` RLIKE '^al.ce$'", true, false),
                arguments("tags.team RLIKE 'earc'", true, false),
                // span.content and its alias trace.text
                arguments("span.content LIKE '%gpt-4%'", true, false),
                arguments("trace.text ILIKE '%RETRIEVE_DOCS%'", true, false),
                arguments("span.content RLIKE 'docs-v[0-9]'", true, false),
                arguments("span.content LIKE '%claude%'", false, false),
                // expectations and boolean literals
                arguments("expectation.expected_response = 'Paris'", true, false),
                arguments("expectation.expected_response IS NULL", false, true),
                arguments("expectation.user_rating IS NOT NULL", false, false),
                arguments("feedback.safe = true", true, false),
                arguments("feedback.safe != false", true, false),
                arguments("feedback.safe = FALSE", false, false),
                // combinations
                arguments("tags.env = 'prod' AND attributes.status = 'OK'", true, false),
                arguments("tags.env = 'prod' and attributes.status = 'ERROR'", false, false),
                arguments("tags.env = 'dev' OR attributes.status = 'OK'", true, false),
                arguments("NOT tags.env = 'prod'", false, true),
                arguments("NOT (tags.env = 'prod' OR tags.missing IS NULL)", false, false),
                arguments("(tags.env = 'dev' OR tags.team ILIKE 's%') AND span.type = 'AGENT'", true, false),
                arguments("tags.env = 'dev' OR tags.team = 'x' OR attributes.status = 'IN_PROGRESS'", false, true),
                arguments("feedback.user_rating = 'no' AND attributes.execution_time_ms > 1000 "
                        + "AND span.status = 'ERROR'", true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter_matchesTheTracesItShould(String filter, boolean rich, boolean bare) {
        TraceFilter f = TraceFilter.parse(filter);
        assertThat(f.test(RICH)).as("rich trace").isEqualTo(rich);
        assertThat(f.test(BARE)).as("bare trace").isEqualTo(bare);
        record(f.expr());
        // printing and parsing again gives the same tree and the same decisions
        TraceFilter again = TraceFilter.parse(f.toFilterString());
        assertThat(again.expr()).isEqualTo(f.expr());
        assertThat(again.test(RICH)).isEqualTo(rich);
    }

    private static void record(FilterExpr e) {
        switch (e) {
            case FilterExpr.And a -> a.operands().forEach(TraceFilterTest::record);
            case FilterExpr.Or o -> o.operands().forEach(TraceFilterTest::record);
            case FilterExpr.Not n -> record(n.operand());
            case FilterExpr.Comparison c -> {
                KINDS_SEEN.add(c.field().kind());
                OPERATORS_SEEN.add(c.operator());
                if (c.field().kind() == FieldKind.ATTRIBUTE) {
                    ATTRIBUTES_SEEN.add(c.field().key());
                }
            }
        }
    }

    @AfterAll
    static void everyFieldAndOperator_isCovered() {
        assertThat(KINDS_SEEN).containsExactlyInAnyOrder(FieldKind.values());
        assertThat(OPERATORS_SEEN).containsExactlyInAnyOrder(Operator.values());
        assertThat(ATTRIBUTES_SEEN).containsExactlyInAnyOrderElementsOf(Field.TRACE_ATTRIBUTES);
    }

    @Test
    void parse_buildsTheExpectedTree() {
        FilterExpr e = TraceFilter.parse("tags.env = 'prod' AND (span.type IN ('LLM', 'CHAT_MODEL') OR NOT "
                + "feedback.rating IS NULL)").expr();
        assertThat(e).isEqualTo(new FilterExpr.And(List.of(
                new FilterExpr.Comparison(Field.tag("env"), Operator.EQ, List.of("prod")),
                new FilterExpr.Or(List.of(
                        new FilterExpr.Comparison(new Field(FieldKind.SPAN_TYPE, "type"), Operator.IN,
                                List.of("LLM", "CHAT_MODEL")),
                        new FilterExpr.Not(new FilterExpr.Comparison(Field.feedback("rating"), Operator.IS_NULL,
                                List.of())))))));
    }

    @Test
    void andBindsTighterThanOr() {
        FilterExpr e = TraceFilter.parse("tags.a = '1' OR tags.b = '2' AND tags.c = '3'").expr();
        assertThat(e).isInstanceOf(FilterExpr.Or.class);
        assertThat(((FilterExpr.Or) e).operands().get(1)).isInstanceOf(FilterExpr.And.class);
    }

    @Test
    void keywords_areCaseInsensitive() {
        assertThat(TraceFilter.parse("tags.env in ('prod') and tags.x is null or not tags.y is not null").expr())
                .isEqualTo(TraceFilter.parse("tags.env IN ('prod') AND tags.x IS NULL OR NOT tags.y IS NOT NULL")
                        .expr());
    }

    @Test
    void numbers_keepTheirType() {
        FilterExpr.Comparison c = (FilterExpr.Comparison) TraceFilter.parse("metadata.n = -42").expr();
        assertThat(c.value()).isEqualTo(-42L);
        c = (FilterExpr.Comparison) TraceFilter.parse("metadata.n = 2.5e-3").expr();
        assertThat(c.value()).isEqualTo(0.0025);
        c = (FilterExpr.Comparison) TraceFilter.parse("metadata.n = 99999999999999999999").expr();
        assertThat(c.value()).isEqualTo(1e20);
    }

    @Test
    void nullOrBlank_isMatchAll() {
        assertThat(TraceFilter.parse(null)).isSameAs(TraceFilter.MATCH_ALL);
        assertThat(TraceFilter.parse("  \t")).isSameAs(TraceFilter.MATCH_ALL);
        assertThat(TraceFilter.MATCH_ALL.test(BARE)).isTrue();
        assertThat(TraceFilter.MATCH_ALL.isMatchAll()).isTrue();
        assertThat(TraceFilter.MATCH_ALL.expr()).isNull();
    }

    @Test
    void of_compilesAnAstBuiltInCode() {
        TraceFilter f = TraceFilter.of(new FilterExpr.Comparison(Field.tag("env"), Operator.EQ, List.of("prod")));
        assertThat(f.test(RICH)).isTrue();
        assertThat(f.test(BARE)).isFalse();
        assertThat(f.toFilterString()).isEqualTo("tags.env = 'prod'");
    }

    @Test
    void of_rejectsAStringComparedWithANumericAttribute() {
        FilterExpr bad = new FilterExpr.Comparison(Field.attribute("timestamp_ms"), Operator.EQ, List.of("x"));
        assertThatThrownBy(() -> TraceFilter.of(bad)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("attributes.timestamp_ms holds numbers");
        FilterExpr like = new FilterExpr.Comparison(Field.tag("n"), Operator.LIKE, List.of(5L));
        assertThatThrownBy(() -> TraceFilter.of(like)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("LIKE needs a string pattern");
    }

    @Test
    void realMlflowTraces_fromDatabricks_areFiltered() {
        Trace ok = MlflowJson.readTrace(Fixtures.read("mlflow-traces/v3_databricks_agent_predict_ok_trace.json"));
        Trace blocked = MlflowJson.readTrace(
                Fixtures.read("mlflow-traces/v3_databricks_agent_predict_blocked_trace.json"));
        TraceFilter errors = TraceFilter.parse("span.status = 'ERROR'");
        assertThat(errors.test(blocked)).isTrue();
        assertThat(errors.test(ok)).isFalse();
        TraceFilter agents = TraceFilter.parse("span.type = 'AGENT' AND span.type = 'CHAT_MODEL'");
        assertThat(agents.test(ok)).isTrue();
        TraceFilter byId = TraceFilter.parse("attributes.request_id = '" + ok.traceId() + "'");
        assertThat(byId.test(ok)).isTrue();
        assertThat(byId.test(blocked)).isEqualTo(ok.traceId().equals(blocked.traceId()));
    }

    @Test
    void equalFilters_areEqual() {
        assertThat(TraceFilter.parse("tags.env='prod'")).isEqualTo(TraceFilter.parse("tag.env = \"prod\""));
        assertThat(TraceFilter.parse("tags.env='prod'").toString()).isEqualTo("TraceFilter[tags.env = 'prod']");
    }
}
