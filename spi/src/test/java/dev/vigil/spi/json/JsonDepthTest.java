package dev.vigil.spi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.FeedbackValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#MAX_DEPTH}: a value nested up to the limit is frozen and written; one level deeper, far deeper, or a
 * map or list that contains itself is refused with a clear {@link InvalidInputException}, not a
 * {@link StackOverflowError}.
 */
class JsonDepthTest {

    /** {@code levels} maps and lists nested alternately around the string "leaf". */
    private static Object nested(int levels) {
        Object v = "leaf";
        for (int i = 0; i < levels; i++) {
            v = i % 2 == 0 ? new ArrayList<>(List.of(v)) : new HashMap<>(Map.of("k", v));
        }
        return v;
    }

    private static int depth(Object v) {
        int d = 0;
        while (v instanceof Map<?, ?> || v instanceof List<?>) {
            v = v instanceof Map<?, ?> m ? m.get("k") : ((List<?>) v).get(0);
            d++;
        }
        return d;
    }

    @Test
    void aValueAtTheLimit_isFrozen_andItsTextParsesBack() {
        Object frozen = Json.freeze(nested(Json.MAX_DEPTH));
        assertThat(depth(frozen)).isEqualTo(Json.MAX_DEPTH);
        assertThat(Json.parse(Json.write(frozen))).isEqualTo(frozen);
    }

    @Test
    void theLimit_fitsTheStackOfAThreadWithHalfTheUsualSize() throws Exception {
        Object value = nested(Json.MAX_DEPTH);
        JsonNode tree = Json.readTree(Json.write(Json.freeze(value)));
        Object[] out = new Object[2];
        Throwable[] failed = new Throwable[1];
        // interpreted frames are the largest: a fresh thread with a 512 KiB stack (Linux's default is 1 MiB)
        Thread t = new Thread(null, () -> {
            try {
                out[0] = Json.freeze(value);
                out[1] = Json.fromNode(tree);
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        assertThat(failed[0]).isNull();
        assertThat(depth(out[0])).isEqualTo(Json.MAX_DEPTH);
        assertThat(out[1]).isEqualTo(out[0]);
    }

    @Test
    void oneLevelBeyondTheLimit_isRefused_sayingTheLimit() {
        assertThatThrownBy(() -> Json.freeze(nested(Json.MAX_DEPTH + 1)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nested more than 500 levels deep")
                .hasMessageContaining("allowed: at most 500 levels");
    }

    @Test
    void farBeyondTheLimit_isRefused_notAStackOverflow() {
        assertThatThrownBy(() -> FeedbackValue.of(nested(50_000))).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aMapThatContainsItself_isRefused() {
        Map<String, Object> loop = new HashMap<>();
        loop.put("self", loop);
        assertThatThrownBy(() -> Json.freeze(loop)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("contains itself");
        List<Object> list = new ArrayList<>();
        list.add(list);
        assertThatThrownBy(() -> Json.freeze(list)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void arrays_countAsLists_andMayHoldNulls() {
        Object[] inner = {1, null, "x"};
        assertThat(Json.freeze(new Object[] {inner})).isEqualTo(List.of(Arrays.asList(1L, null, "x")));
        Object deep = "leaf";
        for (int i = 0; i <= Json.MAX_DEPTH; i++) {
            deep = new Object[] {deep};
        }
        Object tooDeep = deep;
        assertThatThrownBy(() -> Json.freeze(tooDeep)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void aJacksonTree_isHeldToTheSameLimit() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode atLimit = f.textNode("leaf");
        for (int i = 0; i < Json.MAX_DEPTH; i++) {
            atLimit = i % 2 == 0 ? f.arrayNode().add(atLimit) : f.objectNode().set("k", atLimit);
        }
        assertThat(depth(Json.fromNode(atLimit))).isEqualTo(Json.MAX_DEPTH);
        ArrayNode beyond = f.arrayNode().add(atLimit);
        assertThatThrownBy(() -> Json.fromNode(beyond)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nested more than 500 levels deep");
        // a tree inside a Java value counts the levels above it: 250 objects in 250 lists is at the limit
        JsonNode inner = f.objectNode();
        for (int i = 1; i < Json.MAX_DEPTH / 2; i++) {
            inner = f.objectNode().set("k", inner);
        }
        Object wrapped = inner;
        for (int i = 0; i < Json.MAX_DEPTH / 2; i++) {
            wrapped = List.of(wrapped);
        }
        assertThat(Json.freeze(wrapped)).isInstanceOf(List.class);
        Object tooDeep = List.of(wrapped);
        assertThatThrownBy(() -> Json.freeze(tooDeep)).isInstanceOf(InvalidInputException.class);
    }
}
