package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deep-copies JSON-like Java values into {@link FrozenMap}/{@link FrozenList}; the work behind {@link Json#freeze}. */
final class JsonFreezer {
    private JsonFreezer() {}

    static Object freeze(Object value) {
        return freeze(value, 0);
    }

    /**
     * @param value the value
     * @param level how many maps and lists enclose it
     */
    private static Object freeze(Object value, int level) {
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
            return JsonTrees.fromNode(node, level);
        }
        if (level == Json.MAX_DEPTH && (value instanceof Map<?, ?> || value instanceof Iterable<?>
                || value instanceof Object[])) {
            throw tooDeep();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = LinkedHashMap.newLinkedHashMap(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new InvalidInputException("JSON object keys must be strings, got "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
                }
                copy.put(key, freeze(e.getValue(), level + 1));
            }
            return new FrozenMap(copy);
        }
        if (value instanceof Iterable<?> it) {
            List<Object> copy = it instanceof java.util.Collection<?> c ? new ArrayList<>(c.size()) : new ArrayList<>();
            for (Object o : it) {
                copy.add(freeze(o, level + 1));
            }
            return new FrozenList(copy);
        }
        if (value instanceof Object[] array) {
            List<Object> copy = new ArrayList<>(array.length);
            for (Object o : array) {
                copy.add(freeze(o, level + 1)); // not through a list view: one stack frame per level
            }
            return new FrozenList(copy);
        }
        throw new InvalidInputException("not a JSON value: " + value.getClass().getName()
                + " (allowed: null, string, boolean, number, map with string keys, list)");
    }

    /** @return the error for a value nested deeper than {@link Json#MAX_DEPTH} */
    static InvalidInputException tooDeep() {
        return new InvalidInputException("JSON value nested more than " + Json.MAX_DEPTH
                + " levels deep (allowed: at most "
                + Json.MAX_DEPTH + " levels of maps and lists; a map or list that contains"
                + " itself nests without end)");
    }

    static boolean isFrozen(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof Long
                || value instanceof Double || value instanceof FrozenMap || value instanceof FrozenList;
    }

    static Map<String, String> freezeStrings(Map<String, String> map) {
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
}
