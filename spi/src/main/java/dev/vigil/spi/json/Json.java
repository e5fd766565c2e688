package dev.vigil.spi.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON values as plain, immutable Java objects, and the one {@link ObjectMapper} Vigil uses.
 *
 * <p>A <em>JSON value</em> in Vigil's model is one of: {@code null}, {@link String}, {@link Boolean}, a
 * {@link Number} ({@link Long}, {@link Double}, {@link BigInteger} or {@link BigDecimal}), an unmodifiable
 * {@code List<Object>} of JSON values, or an unmodifiable {@code Map<String, Object>} of JSON values that keeps
 * insertion order. Plain Java values are what scorers (Java and Python) read most cheaply, and being immutable
 * they can be shared between threads without copies.
 *
 * <p>Parsing is strict about trailing text ({@code "123 Main Street"} is not the number 123) and lenient about
 * the non-finite numbers Python writes ({@code NaN}, {@code Infinity}); writing always produces standard JSON,
 * so a non-finite double is written as the string {@code "NaN"} / {@code "Infinity"}.
 */
public final class Json {
    // FAIL_ON_TRAILING_TOKENS: without it "123 Main Street" would parse as the number 123 and "true story" as
    // true, silently dropping the rest (MLflow attribute values are JSON text, or plain text when they are not)
    // ALLOW_NON_NUMERIC_NUMBERS: Python's json (MLflow, Python scorers) writes NaN and Infinity as bare tokens,
    // and Jackson writes them the same way; reading them back keeps such a value instead of failing on it
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper PLAIN = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** @return the shared, configured mapper (thread-safe; do not reconfigure it) */
    public static ObjectMapper mapper() {
        return PLAIN;
    }

    /**
     * Deep-copies a JSON-like Java value into Vigil's immutable form.
     *
     * @param value null, a String, Boolean, Number, Character, Enum, Map with String keys, Iterable or array
     * @return the immutable JSON value
     * @throws InvalidInputException if the value holds something that is not JSON
     */
    public static Object freeze(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof FrozenMap || value instanceof FrozenList) {
            return value; // frozen by this class: immutable all the way down, nothing to copy
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Number) {
            return value;
        }
        if (value instanceof Character || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof JsonNode node) {
            return fromNode(node);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = LinkedHashMap.newLinkedHashMap(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new InvalidInputException("JSON object keys must be strings, got "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                copy.put(key, freeze(e.getValue()));
            }
            return new FrozenMap(copy);
        }
        if (value instanceof Iterable<?> it) {
            List<Object> copy = it instanceof java.util.Collection<?> c ? new ArrayList<>(c.size()) : new ArrayList<>();
            for (Object o : it) {
                copy.add(freeze(o));
            }
            return new FrozenList(copy);
        }
        if (value instanceof Object[] array) {
            return freeze(List.of(array));
        }
        throw new InvalidInputException("not a JSON value: " + value.getClass().getName()
                + " (allowed: null, string, boolean, number, map with string keys, list)");
    }

    /**
     * @param value a value
     * @return true if it is a JSON object or array frozen by this class (immutable all the way down), or a leaf
     *     value {@link #freeze(Object)} returns as it is; such values are shared, never copied
     */
    public static boolean isFrozen(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof FrozenMap || value instanceof FrozenList;
    }

    /**
     * The size by which write limits are counted ({@code WriteLimits}): the characters of a JSON value's strings,
     * keys and numbers, with one for each separator. A JSON object or array frozen by this class is counted once and
     * remembers its size (it never changes), so a span written again (completed, updated) is not walked again.
     *
     * @param value a JSON-like value (map, list, string, number, boolean or null)
     * @return its size in characters
     */
    public static long jsonChars(Object value) {
        // the common leaves first, without allocating (this runs for every attribute of every stored span)
        if (value instanceof String s) {
            return s.length() + 2L;
        }
        if (value instanceof Long l) {
            return digits(l);
        }
        if (value instanceof Integer i) {
            return digits(i);
        }
        if (value instanceof Boolean b) {
            return b ? 4 : 5;
        }
        if (value instanceof FrozenMap m) {
            long n = m.cachedJsonChars();
            if (n < 0) {
                n = mapChars(m);
                m.cacheJsonChars(n);
            }
            return n;
        }
        if (value instanceof FrozenList l) {
            long n = l.cachedJsonChars();
            if (n < 0) {
                n = collectionChars(l);
                l.cacheJsonChars(n);
            }
            return n;
        }
        return switch (value) {
            case null -> 4;
            case CharSequence s -> s.length() + 2L;
            case Map<?, ?> m -> mapChars(m);
            case Collection<?> c -> collectionChars(c);
            case Object[] arr -> {
                long n = 2;
                for (Object o : arr) {
                    n += 1 + jsonChars(o);
                }
                yield n;
            }
            default -> String.valueOf(value).length();
        };
    }

    private static long mapChars(Map<?, ?> m) {
        long n = 2;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            n += (e.getKey() instanceof String k ? k.length() : String.valueOf(e.getKey()).length()) + 4L
                    + jsonChars(e.getValue());
        }
        return n;
    }

    private static long collectionChars(Collection<?> c) {
        long n = 2;
        for (Object o : c) {
            n += 1 + jsonChars(o);
        }
        return n;
    }

    /** @return the characters of a long in decimal */
    private static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        for (long x = Math.abs(v); x >= 10; x /= 10) {
            n++;
        }
        return n;
    }

    /**
     * @return a builder of one frozen JSON object, for code that builds a value once (a decoder) and would
     *     otherwise build a mutable map that {@link #freeze(Object)} then copies
     */
    public static ObjectBuilder object() {
        return new ObjectBuilder();
    }

    /** @return a builder of one frozen JSON array (see {@link #object()}) */
    public static ArrayBuilder array() {
        return new ArrayBuilder();
    }

    /** Builds one frozen JSON object; single use, not thread-safe. */
    public static final class ObjectBuilder {
        private Map<String, Object> map = new LinkedHashMap<>();

        private ObjectBuilder() {}

        /**
         * @param key the member name
         * @param value a JSON value; frozen (copied only if it is not frozen already)
         * @return this builder
         * @throws InvalidInputException if the key is null or the value is not JSON
         * @throws IllegalStateException after {@link #build()}
         */
        public ObjectBuilder put(String key, Object value) {
            if (map == null) {
                throw new IllegalStateException("this JSON object was built already; a builder builds one object");
            }
            if (key == null) {
                throw new InvalidInputException("JSON object keys must be strings, got null");
            }
            map.put(key, freeze(value));
            return this;
        }

        /** @return the frozen object; the builder cannot be used after this */
        public Map<String, Object> build() {
            Map<String, Object> built = new FrozenMap(map);
            map = null;
            return built;
        }
    }

    /** Builds one frozen JSON array; single use, not thread-safe. */
    public static final class ArrayBuilder {
        private List<Object> list = new ArrayList<>();

        private ArrayBuilder() {}

        /**
         * @param value a JSON value; frozen (copied only if it is not frozen already)
         * @return this builder
         * @throws InvalidInputException if the value is not JSON
         * @throws IllegalStateException after {@link #build()}
         */
        public ArrayBuilder add(Object value) {
            if (list == null) {
                throw new IllegalStateException("this JSON array was built already; a builder builds one array");
            }
            list.add(freeze(value));
            return this;
        }

        /** @return the frozen array; the builder cannot be used after this */
        public List<Object> build() {
            List<Object> built = new FrozenList(list);
            list = null;
            return built;
        }
    }

    /**
     * Deep-copies a string map into an unmodifiable, insertion-ordered one.
     *
     * @param map a map or null (taken as empty)
     * @return the unmodifiable copy
     */
    public static Map<String, String> freezeStrings(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        if ((Object) map instanceof FrozenMap) {
            return map; // frozen by this class: unmodifiable, no null keys, nothing to copy
        }
        Map<String, String> copy = LinkedHashMap.newLinkedHashMap(map.size());
        map.forEach((k, v) -> {
            if (k == null) {
                throw new InvalidInputException("map keys must not be null");
            }
            copy.put(k, v);
        });
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, String> frozen = (Map) new FrozenMap((Map) copy);
        return frozen;
    }

    /**
     * @param node a Jackson tree (may be null)
     * @return the same value as an immutable plain Java JSON value
     */
    public static Object fromNode(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            if (node.isBigDecimal()) {
                BigDecimal d = node.decimalValue();
                double asDouble = d.doubleValue();
                // a double when it holds the value exactly as written, else the BigDecimal (e.g. 1e400)
                return Double.isFinite(asDouble) && new BigDecimal(Double.toString(asDouble)).compareTo(d) == 0
                        ? (Object) asDouble : d;
            }
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(n -> list.add(fromNode(n)));
            return new FrozenList(list);
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), fromNode(e.getValue())));
            return new FrozenMap(map);
        }
        if (node.isBinary()) {
            return node.asText();
        }
        throw new InvalidInputException("unsupported JSON node: " + node.getNodeType());
    }

    /**
     * @param value a JSON value (see the class comment)
     * @return the same value as a Jackson tree
     */
    public static JsonNode toNode(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Integer i) {
            return f.numberNode(i.longValue());
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        if (value instanceof Float d) {
            return f.numberNode(d.doubleValue());
        }
        if (value instanceof BigInteger b) {
            return f.numberNode(b);
        }
        if (value instanceof BigDecimal b) {
            return f.numberNode(b);
        }
        if (value instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = f.objectNode();
            map.forEach((k, v) -> o.set(String.valueOf(k), toNode(v)));
            return o;
        }
        if (value instanceof Iterable<?> it) {
            ArrayNode a = f.arrayNode();
            it.forEach(v -> a.add(toNode(v)));
            return a;
        }
        return f.textNode(value.toString());
    }

    /**
     * @param value a JSON value
     * @return its compact JSON text
     */
    public static String write(Object value) {
        try {
            return PLAIN.writeValueAsString(toNode(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a JSON tree always serialises", e);
        }
    }

    /**
     * @param text JSON text
     * @return the value as an immutable plain Java JSON value
     * @throws InvalidInputException if the text is not JSON, with the parser's location
     */
    public static Object parse(String text) {
        try {
            return fromNode(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        }
    }

    /**
     * @param text JSON text
     * @return the Jackson tree (floats as BigDecimal so that they print back as written)
     * @throws InvalidInputException if the text is not JSON
     */
    public static JsonNode readTree(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        }
    }
}
