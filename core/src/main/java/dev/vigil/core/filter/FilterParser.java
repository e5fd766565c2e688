package dev.vigil.core.filter;

import dev.vigil.core.filter.FilterLexer.Token;
import dev.vigil.core.filter.FilterLexer.Type;
import dev.vigil.spi.filter.Field;
import dev.vigil.spi.filter.FieldKind;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.filter.Operator;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser of the filter language.
 *
 * <pre>
 * filter     := or END
 * or         := and ( OR and )*
 * and        := unary ( AND unary )*
 * unary      := NOT unary | '(' or ')' | comparison
 * comparison := field ( op value | [NOT] IN '(' value ( ',' value )* ')' | IS [NOT] NULL
 *             | (LIKE|ILIKE|RLIKE) string )        -- op must be one of the field's allowedOperators()
 * field      := [ (attributes|attribute|trace) '.' ] name       -- name may be an MLflow alias; 'text' is span.content
 *             | (tags|tag|metadata|request_metadata|feedback|assessment|expectation) '.' key
 *             | span '.' (name|type|status|content) | span '.' attributes '.' key
 * value      := string | number | true | false
 * key        := word | `backticked` ( '.' word | `backticked` )*
 * </pre>
 *
 * A parenthesised group stays one node, so {@code (a AND b) AND c} is {@code And[And[a, b], c]}: the printer
 * writes nested groups in parentheses and printing then parsing gives an equal tree.
 */
final class FilterParser {

    /** Deeper nesting is rejected rather than risking the stack. */
    static final int MAX_DEPTH = 100;

    static final String FIELD_EXPECTED = "a field (a trace attribute: " + String.join(", ",
            Field.TRACE_ATTRIBUTES.stream().sorted().toList()) + ", timestamp, execution_time, end_time, text; "
            + "attributes.<name>, "
            + "tags.<key>, metadata.<key>, span.name, span.type, span.status, span.content, span.attributes.<key>, "
            + "feedback.<name>, expectation.<name>, trace.text, prompt), NOT or '('";
    static final String OPERATOR_EXPECTED =
            "an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE, IN, NOT IN, IS NULL, IS NOT NULL)";
    static final String VALUE_EXPECTED = "a value (a 'quoted string', a number, true or false)";
    private static final String ATTRIBUTES = String.join(", ", Field.TRACE_ATTRIBUTES.stream().sorted().toList());

    private static final java.util.Set<String> PREFIXES = java.util.Set.of("attributes", "attribute", "trace", "tags",
            "tag", "metadata", "request_metadata", "feedback", "assessment", "expectation", "span");

    private final String src;
    private final List<Token> tokens;
    private int i;
    private int depth;

    private FilterParser(String src) {
        this.src = src;
        this.tokens = FilterLexer.tokenize(src);
    }

    static FilterExpr parse(String src) {
        FilterParser p = new FilterParser(src);
        if (p.peek().type() == Type.END) {
            throw p.error(p.peek(), "a filter expression");
        }
        FilterExpr e = p.or();
        Token t = p.peek();
        if (t.type() != Type.END) {
            throw p.error(t, t.type() == Type.RPAREN ? "AND, OR or the end of the filter (this ')' closes nothing)"
                    : "AND, OR or the end of the filter");
        }
        return e;
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token take() {
        return tokens.get(i++);
    }

    private FilterSyntaxException error(Token t, String expected) {
        return new FilterSyntaxException(src, t.column(), t.shown(), expected);
    }

    private FilterExpr or() {
        List<FilterExpr> parts = new ArrayList<>();
        parts.add(and());
        while (peek().isWord("OR")) {
            i++;
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new FilterExpr.Or(parts);
    }

    private FilterExpr and() {
        List<FilterExpr> parts = new ArrayList<>();
        parts.add(unary());
        while (peek().isWord("AND")) {
            i++;
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new FilterExpr.And(parts);
    }

    private FilterExpr unary() {
        Token t = peek();
        if (++depth > MAX_DEPTH) {
            throw error(t, "at most " + MAX_DEPTH + " nested NOTs and parentheses");
        }
        try {
            if (t.isWord("NOT")) {
                i++;
                return new FilterExpr.Not(unary());
            }
            if (t.type() == Type.LPAREN) {
                i++;
                FilterExpr inner = or();
                Token close = peek();
                if (close.type() != Type.RPAREN) {
                    throw error(close, "')' to close the '(' at column " + t.column() + ", AND or OR");
                }
                i++;
                return inner;
            }
            return comparison();
        } finally {
            depth--;
        }
    }

    private FilterExpr comparison() {
        Field field = field();
        Token opToken = take();
        Operator op = operator(opToken);
        if (!field.allowedOperators().contains(op)) {
            throw error(opToken, "a comparator " + field.toFilterString() + " takes (" + field.allowedOperatorsText()
                    + "): " + op.symbol() + " is not one of them");
        }
        List<Object> values = new ArrayList<>();
        switch (op.arity()) {
            case 0 -> { }
            case 1 -> values.add(value(field, op));
            default -> {
                Token open = take();
                if (open.type() != Type.LPAREN) {
                    throw error(open, "'(' to start the list of values after " + op.symbol());
                }
                values.add(value(field, op));
                while (peek().type() == Type.COMMA) {
                    i++;
                    values.add(value(field, op));
                }
                Token close = take();
                if (close.type() != Type.RPAREN) {
                    throw error(close, "',' or ')' in the list of values");
                }
            }
        }
        return new FilterExpr.Comparison(field, op, values);
    }

    private Operator operator(Token t) {
        if (t.type() == Type.OP) {
            return switch (t.text()) {
                case "=" -> Operator.EQ;
                case "!=" -> Operator.NE;
                case "<" -> Operator.LT;
                case "<=" -> Operator.LE;
                case ">" -> Operator.GT;
                default -> Operator.GE;
            };
        }
        if (t.isWord("LIKE")) {
            return Operator.LIKE;
        }
        if (t.isWord("ILIKE")) {
            return Operator.ILIKE;
        }
        if (t.isWord("RLIKE")) {
            return Operator.RLIKE;
        }
        if (t.isWord("IN")) {
            return Operator.IN;
        }
        if (t.isWord("NOT")) {
            Token in = take();
            if (!in.isWord("IN")) {
                throw error(in, "IN after NOT (NOT IN); to negate a condition write NOT before it");
            }
            return Operator.NOT_IN;
        }
        if (t.isWord("IS")) {
            Token next = take();
            if (next.isWord("NULL")) {
                return Operator.IS_NULL;
            }
            if (next.isWord("NOT")) {
                Token nul = take();
                if (nul.isWord("NULL")) {
                    return Operator.IS_NOT_NULL;
                }
                throw error(nul, "NULL after IS NOT");
            }
            throw error(next, "NULL or NOT NULL after IS");
        }
        throw error(t, OPERATOR_EXPECTED);
    }

    private Object value(Field field, Operator op) {
        Token t = take();
        boolean bool = t.isWord("true") || t.isWord("false");
        if (t.type() != Type.STRING && t.type() != Type.NUMBER && !bool) {
            throw error(t, op.isPattern() ? "a 'quoted' pattern after " + op.symbol() : VALUE_EXPECTED);
        }
        if (op.isPattern() && t.type() != Type.STRING) {
            throw error(t, "a 'quoted' pattern after " + op.symbol());
        }
        if (field.isNumeric() && t.type() != Type.NUMBER) {
            throw error(t, "a number: " + field.toFilterString() + " holds numbers (milliseconds)");
        }
        boolean assessment = field.kind() == FieldKind.FEEDBACK || field.kind() == FieldKind.EXPECTATION;
        if (assessment && op.isOrdering() && t.type() != Type.NUMBER) {
            throw error(t, "a number after " + op.symbol() + ": " + field.toFilterString()
                    + " is ordered only against numbers");
        }
        if (op == Operator.RLIKE) {
            try {
                java.util.regex.Pattern.compile((String) t.value());
            } catch (java.util.regex.PatternSyntaxException bad) {
                throw error(t, "a valid regular expression after RLIKE (" + bad.getDescription() + ")");
            }
        }
        if (field.kind() == FieldKind.ATTRIBUTE && field.key().equals("prompt")
                && (t.type() != Type.STRING || ((String) t.value()).indexOf('/') < 0)) {
            throw error(t, "a 'name/version' string after prompt =");
        }
        // true and false are the words a JSON boolean prints as: they compare with a feedback's text.
        return bool ? t.text().toLowerCase(java.util.Locale.ROOT) : t.value();
    }

    private Field field() {
        Token prefix = take();
        if (prefix.type() != Type.WORD && prefix.type() != Type.BACKTICK) {
            throw error(prefix, FIELD_EXPECTED);
        }
        String p = (String) prefix.value();
        if (peek().type() != Type.DOT && !PREFIXES.contains(p)) {
            // A bare attribute, as MLflow allows: name = 'x', status = 'OK', timestamp > 1000.
            String key = Field.ATTRIBUTE_ALIASES.getOrDefault(p, p);
            if (!p.equals("text") && !Field.TRACE_ATTRIBUTES.contains(key)) {
                throw error(prefix, FIELD_EXPECTED);
            }
            return attributeNamed(prefix, p);
        }
        return switch (p) {
            case "attributes", "attribute", "trace" -> {
                dot(prefix);
                Token name = take();
                if (name.type() != Type.WORD && name.type() != Type.BACKTICK) {
                    throw error(name, "a trace attribute (" + ATTRIBUTES + ", text)");
                }
                yield attributeNamed(name, (String) name.value());
            }
            case "tags", "tag" -> new Field(FieldKind.TAG, key(prefix));
            case "metadata", "request_metadata" -> new Field(FieldKind.METADATA, key(prefix));
            case "feedback", "assessment" -> new Field(FieldKind.FEEDBACK, key(prefix));
            case "expectation" -> new Field(FieldKind.EXPECTATION, key(prefix));
            case "span" -> {
                dot(prefix);
                Token what = take();
                if (what.type() == Type.WORD) {
                    switch (what.text()) {
                        case "name" -> {
                            yield new Field(FieldKind.SPAN_NAME, "name");
                        }
                        case "type" -> {
                            yield new Field(FieldKind.SPAN_TYPE, "type");
                        }
                        case "status" -> {
                            yield new Field(FieldKind.SPAN_STATUS, "status");
                        }
                        case "content" -> {
                            yield new Field(FieldKind.SPAN_CONTENT, "content");
                        }
                        case "attributes", "attribute" -> {
                            yield new Field(FieldKind.SPAN_ATTRIBUTE, key(what));
                        }
                        default -> { }
                    }
                }
                throw error(what, "name, type, status, content or attributes.<key> after 'span.'");
            }
            default -> throw error(prefix, FIELD_EXPECTED);
        };
    }

    /** A trace attribute by its name or one of MLflow's aliases; {@code text} is {@code span.content}. */
    private Field attributeNamed(Token at, String name) {
        if (name.equals("text")) {
            return new Field(FieldKind.SPAN_CONTENT, "content");
        }
        String key = Field.ATTRIBUTE_ALIASES.getOrDefault(name, name);
        if (!Field.TRACE_ATTRIBUTES.contains(key)) {
            throw error(at, "a trace attribute (" + ATTRIBUTES + ", text; aliases timestamp, execution_time, "
                    + "end_time, trace_id) or a prefixed field (tags., metadata., span., feedback., expectation.)");
        }
        return Field.attribute(key);
    }

    private void dot(Token after) {
        Token d = take();
        if (d.type() != Type.DOT) {
            throw error(d, "'.' after '" + after.text() + "'");
        }
    }

    /** A key after {@code prefix.}: words, numbers and backticked parts joined by dots. */
    private String key(Token prefix) {
        dot(prefix);
        StringBuilder key = new StringBuilder();
        while (true) {
            Token part = take();
            if (part.type() == Type.WORD || part.type() == Type.BACKTICK) {
                key.append((String) part.value());
            } else if (part.type() == Type.NUMBER && part.value() instanceof Long && part.text().charAt(0) != '-') {
                key.append(part.text());
            } else {
                throw error(part, "a key after '" + prefix.text() + ".' (a name, or `a.key` in backticks)");
            }
            if (peek().type() != Type.DOT) {
                return key.toString();
            }
            key.append('.');
            i++;
        }
    }
}
