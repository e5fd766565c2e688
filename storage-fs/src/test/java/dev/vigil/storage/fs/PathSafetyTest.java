package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names and ids chosen by users never become paths: nothing is written outside the store's directory. */
class PathSafetyTest {
    private static final Instant T0 = Instant.parse("2026-05-01T00:00:00Z");
    private static final List<String> HOSTILE = List.of("../../escaped", "..", ".", "/etc/passwd", "/tmp/x/../y",
            "a/b\\c", "C:\\Windows\\system32", "con", "NUL", ".hidden", "~root", "$HOME", "名前 🚀 émoji",
            "ä".repeat(Experiment.MAX_NAME_LENGTH), "Prod", "prod", "PROD", " spaced ");

    @TempDir
    Path tmp;

    private FsStore open(Path root) {
        return FsStore.open(root, StoreOptions.withClock(new MutableClock(T0)));
    }

    private static Trace trace(String experimentId, String traceId) {
        Span root = new Span(traceId, "00000000000000a1", null, "root", 1, 2, SpanStatus.OK, "CHAIN", "in", "out",
                Map.of(), List.of());
        return new Trace(TraceInfo.builder().traceId(traceId).experimentId(experimentId).requestTime(T0).build(),
                List.of(root));
    }

    /** "../" + the name, cut to the 256-character id limit (a hostile name may be 256 characters itself). */
    private static String traceId(String name) {
        String id = "../" + name;
        return id.length() <= 256 ? id : id.substring(0, 256);
    }

    @Test
    void hostileNames_andIds_stayInsideTheStoreDirectory_andRoundTrip() throws IOException {
        Path root = tmp.resolve("inner").resolve("store");
        Map<String, String> ids = new LinkedHashMap<>();
        try (FsStore store = open(root)) {
            for (String name : HOSTILE) {
                String id = store.experiments().getOrCreate(name).experimentId();
                ids.put(name, id);
                String traceId = traceId(name);
                store.traces().put(List.of(trace(id, traceId)));
                store.scorers().create(new ScorerVersion(id, name, 1, new ScorerDefinition("java", Map.of()),
                        SamplingConfig.of(1), 1, T0, T0));
                store.jobs().create(new Job("../job/" + name, id, "backfill", Map.of(), JobStatus.PENDING, Map.of(),
                        null, null, 1, T0, T0));
                store.jobs().saveCursor("/abs/" + name, 1);
            }
            store.archive(ids.get("../../escaped"), tmp.resolve("inner").resolve("archive"), T0, T0.plusSeconds(1));
        }
        // names that differ only in case are different experiments
        assertThat(ids.get("Prod")).isNotEqualTo(ids.get("prod")).isNotEqualTo(ids.get("PROD"));
        assertThat(ids.values()).doesNotHaveDuplicates();
        // nothing escaped: the temp dir holds only the store and the archive
        try (Stream<Path> top = Files.list(tmp)) {
            assertThat(top.map(p -> p.getFileName().toString()).toList()).containsExactly("inner");
        }
        try (Stream<Path> inner = Files.list(tmp.resolve("inner"))) {
            assertThat(inner.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("archive", "store");
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                assertThat(p.normalize()).startsWith(root);
                String rel = root.relativize(p).toString();
                assertThat(rel).doesNotContain("..").doesNotContain("escaped").doesNotContain("Prod")
                        .doesNotContain("名前");
            }
        }
        try (Stream<Path> exps = Files.list(root.resolve("experiments"))) {
            assertThat(exps.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.matches("[0-9]+"));
        }
        try (FsStore store = open(root)) {
            assertThat(store.recoveryReport().isClean()).isTrue();
            for (Map.Entry<String, String> e : ids.entrySet()) {
                Experiment exp = store.experiments().findByName(e.getKey()).orElseThrow();
                assertThat(exp.experimentId()).isEqualTo(e.getValue());
                assertThat(exp.name()).isEqualTo(e.getKey());
                assertThat(store.traces().get(traceId(e.getKey()))).isPresent();
                assertThat(store.scorers().latest(e.getValue(), e.getKey())).isPresent();
                assertThat(store.jobs().get("../job/" + e.getKey())).isPresent();
                assertThat(store.jobs().cursor("/abs/" + e.getKey())).hasValue(1);
            }
            assertThat(store.experiments().get("../1")).isEmpty();
            assertThat(store.experiments().get("1/../2")).isEmpty();
            assertThatThrownBy(() -> store.archive("../1", tmp.resolve("a"), T0, T0.plusSeconds(1)))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void namesWithNulOrControlCharacters_orTooLong_areRejectedWithTheReason() {
        try (FsStore store = open(tmp.resolve("s"))) {
            assertThatThrownBy(() -> store.experiments().getOrCreate("a\u0000b"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+0000");
            assertThatThrownBy(() -> store.experiments().getOrCreate("x".repeat(Experiment.MAX_NAME_LENGTH + 1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("257");
            assertThatThrownBy(() -> store.experiments().getOrCreate("line\nbreak"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("control");
            assertThat(store.experiments().list()).isEmpty();
        }
        assertThatThrownBy(() -> FsStoreProvider.pathOf("fs:/tmp/a\u0000b")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NUL");
    }
}
