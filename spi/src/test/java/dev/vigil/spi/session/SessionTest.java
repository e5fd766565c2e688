package dev.vigil.spi.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTest {
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    static Trace trace(String id, Instant at, Long durationMs, Map<String, String> metadata, Map<String, String> tags) {
        return new Trace(TraceInfo.builder().traceId(id).experimentId("1").requestTime(at)
                .executionDurationMs(durationMs).traceMetadata(metadata).tags(tags).build(), List.of());
    }

    static Trace turn(String id, String session, Instant at) {
        return trace(id, at, 2000L, Map.of(Session.METADATA_KEY, session), Map.of());
    }

    @Test
    void turns_areSortedByRequestTimeThenTraceId() {
        Session s = new Session("s", List.of(turn("c", "s", T0.plusSeconds(5)), turn("b", "s", T0),
                turn("a", "s", T0)));
        assertThat(s.traces()).extracting(Trace::traceId).containsExactly("a", "b", "c");
        assertThat(s.firstTrace().traceId()).isEqualTo("a");
        assertThat(s.lastTrace().traceId()).isEqualTo("c");
        assertThat(s.version()).isEqualTo(3);
        assertThat(s.lastActivity()).isEqualTo(T0.plusSeconds(7));
    }

    @Test
    void group_bySessionMetadataOrTag_leavesOutTracesWithout() {
        List<Session> sessions = Session.group(List.of(turn("1", "x", T0), turn("2", "y", T0),
                trace("3", T0, null, Map.of(), Map.of(Session.METADATA_KEY, "x")), trace("4", T0, null, Map.of(),
                        Map.of()), trace("5", T0, null, Map.of(Session.METADATA_KEY, " "), Map.of())));
        assertThat(sessions).extracting(Session::sessionId).containsExactly("x", "y");
        assertThat(sessions.get(0).traces()).extracting(Trace::traceId).containsExactly("1", "3");
    }

    @Test
    void traceOfAnotherSession_orNoTraces_isRejected() {
        assertThatThrownBy(() -> new Session("s", List.of(turn("1", "other", T0))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("belongs to session other");
        assertThatThrownBy(() -> new Session("s", List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no traces");
        assertThatThrownBy(() -> new Session(" ", List.of())).isInstanceOf(InvalidInputException.class);
    }
}
