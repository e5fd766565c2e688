package dev.vigil.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FilterSyntaxTest {

    private static final String END = FilterSyntaxException.END_OF_INPUT;

    /** filter, 1-based column, offending token, a phrase of what was expected. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("tags.env = ", 12, END, "a value"),
                arguments("tags.env 'prod'", 10, "'prod'", "an operator"),
                arguments("foo.bar = 1", 1, "foo", "a field"),
                arguments("attributes.colour = 'x'", 12, "colour", "a trace attribute"),
                arguments("tags.env = prod", 12, "prod", "a value"),
                arguments("tags.env = 'prod", 12, "'prod", "a closing '"),
                arguments("tags.env = 'a' AND", 19, END, "a field"),
                arguments("tags.env = 'a' tags.x = 'b'", 16, "tags", "AND, OR or the end"),
                arguments("(tags.env = 'a'", 16, END, "')' to close the '(' at column 1"),
                arguments("tags.env = 'a')", 15, ")", "this ')' closes nothing"),
                arguments("tags.env IN 'a'", 13, "'a'", "'(' to start the list"),
                arguments("tags.env IN ('a' 'b')", 18, "'b'", "',' or ')'"),
                arguments("tags.env IN ()", 14, ")", "a value"),
                arguments("tags.env IS 'x'", 13, "'x'", "NULL or NOT NULL"),
                arguments("tags.env IS NOT 'x'", 17, "'x'", "NULL after IS NOT"),
                arguments("tags.env NOT 'x'", 14, "'x'", "IN after NOT"),
                arguments("attributes.timestamp_ms > 'yesterday'", 27, "'yesterday'", "a number"),
                arguments("attributes.timestamp_ms LIKE '1%'", 25, "LIKE",
                        "a comparator attributes.timestamp_ms takes (=, !=, <, <=, >, >=, IN, NOT IN"),
                arguments("tags.env LIKE 5", 15, "5", "a 'quoted' pattern"),
                arguments("span.kind = 'x'", 6, "kind", "name, type, status, content or attributes"),
                arguments("span.attributes = 'x'", 17, "=", "'.' after 'attributes'"),
                arguments("tags. = 'x'", 7, "=", "a key after 'tags.'"),
                arguments("tags.env = 'a' AND OR tags.x = 'b'", 20, "OR", "a field"),
                arguments("tags.env == 'a'", 11, "=", "a value"),
                // MLflow's comparator rules (mlflow/utils/search_utils.py SearchTraceUtils) with the field's list
                arguments("trace.status < 'OK'", 14, "<",
                        "attributes.status takes (=, !=, LIKE, ILIKE, RLIKE, IN, NOT IN, IS NULL, IS NOT NULL)"),
                arguments("span.type > 'LLM'", 11, ">", "span.type takes (=, !=, LIKE"),
                arguments("feedback.sentiment > 'positive'", 22, "'positive'", "a number after >"),
                arguments("feedback.score IN (0.5, 0.6)", 16, "IN", "feedback.score takes (=, !=, <, <=, >, >=, LIKE"),
                arguments("span.content = 'gpt-4'", 14, "=", "span.content takes (LIKE, ILIKE, RLIKE)"),
                arguments("trace.text = 'refund'", 12, "=", "span.content takes (LIKE, ILIKE, RLIKE)"),
                arguments("span.name RLIKE 'chat('", 17, "'chat('", "a valid regular expression"),
                arguments("prompt = 'qa'", 10, "'qa'", "a 'name/version' string"),
                arguments("prompt != 'qa/1'", 8, "!=", "attributes.prompt takes (=)"),
                arguments("colour = 'x'", 1, "colour", "a trace attribute"),
                arguments("tags.env ! 'a'", 10, "!", "'!='"),
                arguments("tags.env = 1e999", 12, "1e999", "a finite number"),
                arguments("tags.`env = 'a'", 6, "`env = 'a'", "a closing `"),
                arguments("NOT", 4, END, "a field"),
                arguments("tags.env = 'a' & tags.x = 'b'", 16, "&", "a field, an operator"),
                arguments("tags.env = -", 12, "-", "a digit after '-'"),
                arguments("feedback = 'x'", 10, "=", "'.' after 'feedback'"),
                arguments("12 = 3", 1, "12", "a field"),
                arguments("tag.env ILIKE", 14, END, "a 'quoted' pattern"),
                arguments("tags.`` = 'x'", 6, "``", "a non-empty key"),
                arguments("tags.env = 'a' AND (tags.x = 'b' OR", 36, END, "a field"),
                arguments("attributes.status IS NOT", 25, END, "NULL after IS NOT"),
                arguments("span.status = 'OK' OR", 22, END, "a field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFilter_failsWithColumnTokenAndExpectation(String filter, int column, String token, String expected) {
        FilterSyntaxException e = catchThrowableOfType(FilterSyntaxException.class, () -> TraceFilter.parse(filter));
        assertThat(e).as("no error for %s", filter).isNotNull();
        assertThat(e.column()).as("column").isEqualTo(column);
        assertThat(e.token()).as("token").isEqualTo(token);
        assertThat(e.expected()).as("expected").contains(expected);
        assertThat(e.filter()).isEqualTo(filter);
        assertThat(e.getMessage()).startsWith("invalid filter at column " + column + ": expected ")
                .contains(filter).endsWith(" ".repeat(column - 1) + "^");
    }

    @Test
    void deepNesting_isASyntaxErrorNotAStackOverflow() {
        String filter = "(".repeat(5000) + "tags.a = 'b'" + ")".repeat(5000);
        FilterSyntaxException e = catchThrowableOfType(FilterSyntaxException.class, () -> TraceFilter.parse(filter));
        assertThat(e.column()).isEqualTo(FilterParser.MAX_DEPTH + 1);
        assertThat(e.expected()).contains("at most " + FilterParser.MAX_DEPTH + " nested");
    }

    @Test
    void message_pointsAtTheColumn() {
        FilterSyntaxException e = catchThrowableOfType(FilterSyntaxException.class,
                () -> TraceFilter.parse("tags.env = prod"));
        assertThat(e.getMessage()).isEqualTo("invalid filter at column 12: expected a value (a 'quoted string', a "
                + "number, true or false), found 'prod'\n  tags.env = prod\n             ^");
    }
}
