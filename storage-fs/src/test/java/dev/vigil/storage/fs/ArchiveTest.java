package dev.vigil.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.json.MlflowJson;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.StoreOptions;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
    private static final Instant DAY1 = Instant.parse("2026-04-01T00:00:00Z");

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(DAY1.plus(Duration.ofDays(10)));

    private FsStore open() {
        return FsStore.open(tmp.resolve("store"), new StoreOptions(clock, Map.of("fs.archiveIntervalMs", "0",
                "fs.archiveSettleMs", "3600000", "fs.fsync", "interval")));
    }

    @Test
    void archiveOf10000Traces_readsBackEqual_withZcatAndJq() throws Exception {
        Path target = tmp.resolve("archive");
        Map<String, Trace> expected = new HashMap<>();
        try (FsStore store = open()) {
            String exp = store.experiments().getOrCreate("prod-app").experimentId();
            for (int b = 0; b < 20; b++) {
                List<Trace> batch = new ArrayList<>();
                List<Assessment> feedback = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    long n = b * 500L + i;
                    // spread over three UTC days, millisecond times as MLflow keeps them
                    Trace t = TestTraces.rag(exp, n, DAY1.plusMillis(n * 25_000L));
                    batch.add(t);
                    if (n % 3 == 0) {
                        feedback.add(TestTraces.feedback(t.traceId(), "relevance", "rel", 1, n % 2 == 0, DAY1));
                    }
                }
                store.traces().put(batch);
                store.assessments().upsertScorerFeedback(feedback);
            }
            ArchiveResult result = store.archive(exp, target, DAY1, DAY1.plus(Duration.ofDays(5)));
            assertThat(result.written()).isEqualTo(10_000);
            assertThat(result.files()).hasSize(3);
            for (int i = 0; i < 10_000; i++) {
                String id = "tr-" + TestTraces.hex32(i);
                expected.put(id, store.traces().get(id).orElseThrow());
            }
            assertThat(expected.values().stream().filter(t -> !t.info().assessments().isEmpty()).count())
                    .isEqualTo(3334);
        }
        List<Path> files;
        try (var s = Files.walk(target)) {
            files = s.filter(p -> p.getFileName().toString().equals(TraceArchiver.FILE_NAME)).sorted().toList();
        }
        assertThat(files).extracting(p -> target.relativize(p).toString().replace(File.separatorChar, '/'))
                .containsExactly("experiment=1/date=2026-04-01/traces.jsonl.gz",
                        "experiment=1/date=2026-04-02/traces.jsonl.gz",
                        "experiment=1/date=2026-04-03/traces.jsonl.gz");
        int lines = 0;
        for (Path f : files) {
            List<String> text = zcat(f);
            List<String> ids = traceIdsByJsonTool(f);
            assertThat(ids).hasSameSizeAs(text);
            for (int i = 0; i < text.size(); i++) {
                Trace read = MlflowJson.readTrace(text.get(i));
                assertThat(read.traceId()).isEqualTo(ids.get(i));
                assertThat(read).isEqualTo(expected.get(read.traceId()));
                lines++;
            }
        }
        assertThat(lines).isEqualTo(10_000);
    }

    @Test
    void archivingTheSameRangeTwice_addsNothing_andNewTracesAreAppended() throws Exception {
        Path target = tmp.resolve("archive");
        try (FsStore store = open()) {
            String exp = store.experiments().getOrCreate("e").experimentId();
            List<Trace> first = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                first.add(TestTraces.rag(exp, i, DAY1.plusSeconds(i)));
            }
            store.traces().put(first);
            assertThat(store.archive(exp, target, DAY1, DAY1.plusSeconds(60)).written()).isEqualTo(10);
            ArchiveResult again = store.archive(exp, target, DAY1, DAY1.plusSeconds(60));
            assertThat(again.written()).isZero();
            assertThat(again.alreadyArchived()).isEqualTo(10);
            store.traces().put(List.of(TestTraces.rag(exp, 10, DAY1.plusSeconds(30))));
            ArchiveResult third = store.archive(exp, target, DAY1, DAY1.plusSeconds(60));
            assertThat(third.written()).isEqualTo(1);
            assertThat(third.alreadyArchived()).isEqualTo(10);
            Path file = target.resolve("experiment=" + exp).resolve("date=2026-04-01").resolve(TraceArchiver.FILE_NAME);
            List<String> lines = zcat(file);
            assertThat(lines).hasSize(11);
            assertThat(lines.stream().map(l -> MlflowJson.readTrace(l).traceId()).distinct().count()).isEqualTo(11);
            try (var s = Files.list(file.getParent())) {
                assertThat(s.count()).as("no temp files left").isEqualTo(1);
            }
        }
    }

    @Test
    void continuousArchival_archivesSettledTraces_andRemembersItsPlaceAcrossReopen() throws Exception {
        Path target = tmp.resolve("cont");
        String exp;
        Instant now = clock.instant();
        try (FsStore store = open()) {
            exp = store.experiments().getOrCreate("e").experimentId();
            String other = store.experiments().getOrCreate("not-archived").experimentId();
            store.traces().put(List.of(TestTraces.rag(exp, 1, now.minus(Duration.ofHours(3))),
                    TestTraces.rag(other, 2, now.minus(Duration.ofHours(3))),
                    TestTraces.rag(exp, 3, now.minus(Duration.ofHours(2))),
                    TestTraces.rag(exp, 4, now.minus(Duration.ofMinutes(10)))));
            store.enableContinuousArchival(exp, target);
            List<ArchiveResult> run = store.runContinuousArchival();
            assertThat(run).singleElement().satisfies(r -> {
                assertThat(r.experimentId()).isEqualTo(exp);
                assertThat(r.written()).isEqualTo(2);
            });
        }
        clock.advance(Duration.ofHours(1));
        try (FsStore store = open()) {
            assertThat(store.continuousArchival()).containsEntry(exp, target.toAbsolutePath().normalize());
            store.traces().put(List.of(TestTraces.rag(exp, 5, clock.instant().minus(Duration.ofHours(2)))));
            List<ArchiveResult> run = store.runContinuousArchival();
            assertThat(run).singleElement().satisfies(r -> {
                assertThat(r.written()).isEqualTo(2); // trace 4 has settled now, and trace 5 arrived settled
                assertThat(r.alreadyArchived()).isZero();
            });
            store.disableContinuousArchival(exp);
            assertThat(store.runContinuousArchival()).isEmpty();
            assertThat(store.continuousArchival()).isEmpty();
        }
        List<String> all = new ArrayList<>();
        try (var s = Files.walk(target)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".gz")).toList()) {
                all.addAll(zcat(f));
            }
        }
        assertThat(all).extracting(l -> MlflowJson.readTrace(l).traceId()).containsExactlyInAnyOrder(
                "tr-" + TestTraces.hex32(1), "tr-" + TestTraces.hex32(3), "tr-" + TestTraces.hex32(4),
                "tr-" + TestTraces.hex32(5));
    }

    @Test
    void archiveOfUnknownExperiment_isRejected() {
        try (FsStore store = open()) {
            assertThatThrownBy(() -> store.archive("42", tmp.resolve("a"), DAY1, DAY1.plusSeconds(1)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("42");
            assertThatThrownBy(() -> store.enableContinuousArchival("../x", tmp.resolve("a")))
                    .isInstanceOf(InvalidInputException.class);
        }
    }

    // ------------------------------------------------------------------ reading archives as a person would

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** The decompressed lines, with {@code zcat} (GZIPInputStream only where zcat is missing). */
    private static List<String> zcat(Path file) throws Exception {
        if (onPath("zcat")) {
            return run(List.of("zcat", file.toString()));
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return lines(in);
        }
    }

    /** Each line's info.trace_id as a JSON tool reads it: jq, else python3's json module. */
    private static List<String> traceIdsByJsonTool(Path file) throws Exception {
        if (onPath("zcat") && onPath("jq")) {
            return run(List.of("sh", "-c", "zcat \"$1\" | jq -r '.info.trace_id'", "sh", file.toString()));
        }
        if (onPath("zcat") && onPath("python3")) {
            return run(List.of("sh", "-c", "zcat \"$1\" | python3 -c 'import sys, json\nfor l in sys.stdin: "
                    + "print(json.loads(l)[\"info\"][\"trace_id\"])'", "sh", file.toString()));
        }
        List<String> ids = new ArrayList<>();
        for (String l : zcat(file)) {
            ids.add(dev.vigil.spi.json.Json.readTree(l).get("info").get("trace_id").asText());
        }
        return ids;
    }

    private static List<String> run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + err).isZero();
        return lines(new ByteArrayInputStream(out));
    }

    private static List<String> lines(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line);
            }
        }
        return out;
    }
}
