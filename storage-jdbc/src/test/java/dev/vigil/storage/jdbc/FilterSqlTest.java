package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The translation decisions the filter conformance suite found wrong, pinned one by one. */
class FilterSqlTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "a;true", "^(chat|LLM);true", "a\\.b;true", "a+?;true", "ab*c;true", "\\*a;true",
        // PostgreSQL refuses these (quantifier operand invalid), reads them otherwise than Java, or Java refuses them
        "a++;false", "a?+;false", "a+?+;false", "a**;false", "^*;false", "(*a);false", "a|*b;false",
        "(?i)a;false", "a(?i)b;false", "(?:a|b);false", "(?=a);false", "a.b;false", "b$;false", "[0-9];false",
        "\\d;false"})
    void postgresSafeRegex_acceptsOnlySyntaxBothEnginesReadAlike(String pattern, boolean safe) {
        assertThat(FilterSql.postgresSafeRegex(pattern)).as(pattern).isEqualTo(safe);
    }

    @ParameterizedTest
    @CsvSource({"LIKE, a_, false", "LIKE, a%, true", "ILIKE, _b%, false", "ILIKE, %b, true"})
    void h2Like_withUnderscore_pushesDownASupersetOnly(Operator op, String pattern, boolean exact) {
        FilterExpr e = new FilterExpr.Comparison(new Field(FieldKind.SPAN_NAME, "name"), op, List.of(pattern));
        FilterSql.Condition c = new FilterSql(Dialect.H2).translate(e);
        assertThat(c.exact()).isEqualTo(exact);
        assertThat(c.params()).containsExactly(pattern.replace('_', '%'));
        // PostgreSQL counts characters as Java does: exact either way
        assertThat(new FilterSql(Dialect.POSTGRESQL).translate(
                new FilterExpr.Comparison(Field.tag("k"), Operator.LIKE, List.of(pattern))).exact()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"%B, %b, true", "DOCS-%, doc%-%, false", "DOC-%, doc-%, true", "200 K, 200 k, true", "K%, k%, true",
        "ISTANBUL, %%tanbul, false", "İ%, %%, false", "%Σ, %%, false", "%̇, %%, false",
        "St_p, %t%p, false"})
    void h2Ilike_pushesDownTheLowerCasedPattern_orASupersetWhereLowerCaseAndFoldingDiffer(String pattern,
            String pushed, boolean exact) {
        FilterSql.Condition c = new FilterSql(Dialect.H2).translate(
                new FilterExpr.Comparison(new Field(FieldKind.SPAN_NAME, "name"), Operator.ILIKE, List.of(pattern)));
        assertThat(c.params()).containsExactly(pushed);
        assertThat(c.exact()).as(pattern).isEqualTo(exact);
    }
}
