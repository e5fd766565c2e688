package dev.vigil.spi.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between Jackson trees and Vigil's plain, frozen JSON values; the work behind {@link Json#fromNode}. */
final class JsonTrees {
    private JsonTrees() {}

    static Object fromNode(JsonNode node) {
        return fromNode(node, 0);
    }

    /**
     * @param node the node
     * @param level how many objects and arrays enclose it
     */
    static Object fromNode(JsonNode node, int level) {
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
        if (level == Json.MAX_DEPTH && node.isContainerNode()) {
            throw JsonFreezer.tooDeep();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode n : node) {
                list.add(fromNode(n, level + 1));
            }
            return new FrozenList(list);
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), fromNode(e.getValue(), level + 1));
            }
            return new FrozenMap(map);
        }
        if (node.isBinary()) {
            return node.asText();
        }
        throw new InvalidInputException("unsupported JSON node: " + node.getNodeType());
    }

    static JsonNode toNode(Object value) {
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
}
