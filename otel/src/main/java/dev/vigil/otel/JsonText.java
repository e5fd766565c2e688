package dev.vigil.otel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.vigil.spi.json.Json;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * JSON text held in a span attribute (e.g. {@code gen_ai.input.messages}) read straight into plain Java values with
 * Jackson's streaming parser: the same values as {@code Json.parse} (integers as {@code long} or
 * {@code BigInteger}, decimals as {@code double} when exact else {@code BigDecimal}, NaN and Infinity accepted),
 * without building a tree first. Objects and arrays are built frozen ({@link Json#object()}), so that {@code Span}
 * shares them instead of copying them again.
 */
final class JsonText {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonText() {}

    /**
     * @param text text that may hold one JSON value
     * @return the value, or {@code text} itself if it is not exactly one JSON value or is nested deeper than
     *     {@link Json#MAX_DEPTH} (kept as text, as a stored span's too-deep JSON attribute is read back)
     */
    static Object parseOrKeep(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return text;
            }
            Object value = value(p, first, 0);
            return p.nextToken() == null ? value : text;
        } catch (IOException | RuntimeException notJson) {
            return text;
        }
    }

    /**
     * @param level how many objects and arrays enclose the value
     */
    private static Object value(JsonParser p, JsonToken t, int level) throws IOException {
        if (level == Json.MAX_DEPTH && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
            throw new IOException("nested more than " + Json.MAX_DEPTH + " levels deep");
        }
        return switch (t) {
            case START_OBJECT -> {
                Json.ObjectBuilder m = Json.object();
                for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
                    String name = p.currentName();
                    m.put(name, value(p, p.nextToken(), level + 1));
                }
                yield m.build();
            }
            case START_ARRAY -> {
                Json.ArrayBuilder l = Json.array();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e == null) {
                        throw new IOException("unexpected end of input");
                    }
                    l.add(value(p, e, level + 1));
                }
                yield l.build();
            }
            case VALUE_STRING -> p.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? p.getBigIntegerValue() : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> {
                if (p.isNaN()) {
                    yield p.getDoubleValue();
                }
                BigDecimal d = p.getDecimalValue();
                double asDouble = d.doubleValue();
                yield Double.isFinite(asDouble) && new BigDecimal(Double.toString(asDouble)).compareTo(d) == 0
                        ? (Object) asDouble : d;
            }
            default -> throw new IOException("unexpected token " + t);
        };
    }
}
