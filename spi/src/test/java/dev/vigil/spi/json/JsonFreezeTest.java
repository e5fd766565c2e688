package dev.vigil.spi.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFreezeTest {

    @Test
    void freeze_mutableMap_copiesSoLaterChangesDoNotShow() {
        List<Object> inner = new ArrayList<>(List.of(1, "a"));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("list", inner);
        Object frozen = Json.freeze(map);
        inner.add("late");
        map.put("late", true);
        assertThat(frozen).isEqualTo(Map.of("list", List.of(1L, "a")));
        assertThat(Json.isFrozen(frozen)).isTrue();
        assertThat(Json.isFrozen(map)).isFalse();
    }

    @Test
    void freeze_frozenValue_isReturnedAsItIs() {
        Object frozen = Json.freeze(Map.of("k", List.of(Map.of("x", 1))));
        assertThat(Json.freeze(frozen)).isSameAs(frozen);
        Object parsed = Json.parse("{\"a\":[1,{\"b\":2.5}]}");
        assertThat(Json.freeze(parsed)).isSameAs(parsed);
    }

    @Test
    void frozenValues_refuseChanges() {
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) Json.freeze(Map.of("k", List.of(1)));
        assertThatThrownBy(() -> frozen.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frozen.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) frozen.get("k");
        assertThatThrownBy(() -> list.add(2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.iterator().remove()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void builders_buildFrozenValuesEqualToTheParsedOnes() {
        Map<String, Object> built = Json.object().put("role", "user")
                .put("parts", Json.array().add(Json.object().put("n", 3).build()).add(List.of("x")).build()).build();
        assertThat(built).isEqualTo(Json.parse("{\"role\":\"user\",\"parts\":[{\"n\":3},[\"x\"]]}"));
        assertThat(built.hashCode()).isEqualTo(Json.parse("{\"role\":\"user\",\"parts\":[{\"n\":3},[\"x\"]]}").hashCode());
        assertThat(Json.isFrozen(built)).isTrue();
        assertThat(Json.write(built)).isEqualTo("{\"role\":\"user\",\"parts\":[{\"n\":3},[\"x\"]]}");
    }

    @Test
    void builder_usedAfterBuild_orWithANullKey_isRefused() {
        Json.ObjectBuilder b = Json.object();
        b.build();
        assertThatThrownBy(() -> b.put("k", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("built already");
        assertThatThrownBy(() -> Json.object().put(null, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Json.array().add(new Object())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a JSON value");
    }

    @Test
    void span_attributesAlreadyFrozen_areSharedNotCopied() {
        Object messages = Json.parse("[{\"role\":\"user\",\"content\":\"hi\"}]");
        Span s = Span.builder().traceId("tr-1").spanId("s1").attribute("gen_ai.input.messages", messages)
                .inputs(messages).build();
        assertThat(s.attributes().get("gen_ai.input.messages")).isSameAs(messages);
        assertThat(s.inputs()).isSameAs(messages);
        Span again = s.toBuilder().name("renamed").build();
        assertThat(again.attributes()).isSameAs(s.attributes());
    }

    @Test
    void freezeStrings_frozenMap_isReturnedAsItIs() {
        Map<String, String> once = Json.freezeStrings(new LinkedHashMap<>(Map.of("env", "prod")));
        assertThat(Json.freezeStrings(once)).isSameAs(once);
        assertThatThrownBy(() -> once.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }
}
