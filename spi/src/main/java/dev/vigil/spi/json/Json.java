package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.spi.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
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
    private Json() {}

    /**
     * The deepest nesting of maps and lists (JSON objects and arrays) a JSON value may have: 500. Half of Jackson's
     * default limit for JSON text (1,000), so a stored record that wraps a value a few levels deeper can still be
     * written and read back; and few enough levels for the recursive copy to fit the stack of any thread.
     * {@link #freeze} and {@link #fromNode} refuse a deeper value, or a map or list that contains itself, with an
     * {@link InvalidInputException} instead of running out of stack.
     */
    public static final int MAX_DEPTH = 500;

    /** @return the shared, configured mapper (thread-safe; do not reconfigure it) */
    public static ObjectMapper mapper() {
        return JsonMappers.PLAIN;
    }

    /**
     * Deep-copies a JSON-like Java value into Vigil's immutable form.
     *
     * @param value null, a String, Boolean, Number, Character, Enum, Map with String keys, Iterable or array
     * @return the immutable JSON value
     * @throws InvalidInputException if the value holds something that is not JSON, or is nested deeper than
     *     {@link #MAX_DEPTH}
     */
    public static Object freeze(Object value) {
        return JsonFreezer.freeze(value);
    }

    /**
     * @param value a value
     * @return true if it is a JSON object or array frozen by this class (immutable all the way down), or a leaf
     *     value {@link #freeze(Object)} returns as it is; such values are shared, never copied
     */
    public static boolean isFrozen(Object value) {
        return JsonFreezer.isFrozen(value);
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
        return JsonChars.jsonChars(value);
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
            map.put(key, JsonFreezer.freeze(value));
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
            list.add(JsonFreezer.freeze(value));
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
        return JsonFreezer.freezeStrings(map);
    }

    /**
     * @param node a Jackson tree (may be null)
     * @return the same value as an immutable plain Java JSON value
     * @throws InvalidInputException if the tree is nested deeper than {@link #MAX_DEPTH}
     */
    public static Object fromNode(JsonNode node) {
        return JsonTrees.fromNode(node);
    }

    /**
     * @param value a JSON value (see the class comment)
     * @return the same value as a Jackson tree
     */
    public static JsonNode toNode(Object value) {
        return JsonTrees.toNode(value);
    }

    /**
     * @param value a JSON value
     * @return its compact JSON text
     */
    public static String write(Object value) {
        return JsonMappers.write(value);
    }

    /**
     * @param text JSON text
     * @return the value as an immutable plain Java JSON value
     * @throws InvalidInputException if the text is not JSON, with the parser's location
     */
    public static Object parse(String text) {
        return JsonMappers.parse(text);
    }

    /**
     * @param text JSON text
     * @return the Jackson tree (floats as BigDecimal so that they print back as written)
     * @throws InvalidInputException if the text is not JSON
     */
    public static JsonNode readTree(String text) {
        return JsonMappers.readTree(text);
    }
}
