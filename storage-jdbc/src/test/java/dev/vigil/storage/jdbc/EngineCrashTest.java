package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.core.sampling.Sampler;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.StoreOptions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Exactly once across crashes: engines in child JVMs on durable stores, killed with SIGKILL while traces flow.
 * Each check: every sampled (trace, scorer, version) pair has exactly one assessment and no unsampled pair has
 * any.
 */
class EngineCrashTest {

    private static final String OK_FILTER = "trace.status = 'OK'";
    private static final Map<String, SamplingConfig> SCORERS = Map.of(
            "length", SamplingConfig.of(0.5),
            "ok_only", SamplingConfig.of(0.3, OK_FILTER));

    /** Registers the two scorers (by class, so child processes rebuild them) and starts them. */
    private static String setUp(String url, String experiment) {
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            Experiment e = store.experiments().getOrCreate(experiment);
            ScorerRegistry registry = ScorerRegistry.of(store, e.experimentId());
            registry.register(Scorers.ofClass("length", CrashScorers.Length.class)).start(SCORERS.get("length"));
            registry.register(Scorers.ofClass("ok_only", CrashScorers.Slowish.class)).start(SCORERS.get("ok_only"));
            return e.experimentId();
        }
    }

    /** The exactly-once check over traces 0..total-1. */
    private static void assertExactlyOnce(String url, String experimentId, int total) {
        Sampler sampler = Sampler.defaultSampler();
        TraceFilter ok = TraceFilter.parse(OK_FILTER);
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            assertThat(store.traces().count(experimentId)).isEqualTo(total);
            long sampledPairs = 0;
            for (int i = 0; i < total; i++) {
                Trace t = CrashTraces.trace(experimentId, i);
                var assessments = store.assessments().listByTrace(t.traceId());
                for (var e : SCORERS.entrySet()) {
                    String name = e.getKey();
                    SamplingConfig cfg = e.getValue();
                    boolean sampled = (cfg.filterString() == null || ok.test(t))
                            && sampler.keep(t.traceId(), name, cfg.sampleRate());
                    long n = assessments.stream()
                            .filter(a -> name.equals(a.scorerName()) && a.scorerVersion() == 1).count();
                    assertThat(n).as("assessments of %s on %s (sampled: %s)", name, t.traceId(), sampled)
                            .isEqualTo(sampled ? 1 : 0);
                    sampledPairs += sampled ? 1 : 0;
                }
            }
            assertThat(sampledPairs).isGreaterThan(total / 2);
        }
    }

    @Test
    void engineKilledTenTimesWhileTracesFlow_leavesExactlyOneAssessmentPerSampledPair() throws Exception {
        String url = TestDatabases.newUrl(Dialect.H2);
        String experimentId = setUp(url, "crash");
        int total = 3_000;
        Random random = new Random(20261128);
        int killsWhileLogging = 0;
        for (int kill = 0; kill < 10; kill++) {
            Process p = start("engine", url, "engine-a", "1", String.valueOf(total), "true", "false");
            BlockingQueue<String> out = lines(p);
            awaitLine(out, "ready", 120);
            // a random moment: 0.2–1.5 s after the engine started tailing, while the process logs traces
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(1_300));
            String lastLogged = null;
            while (System.nanoTime() < until) {
                String line = out.poll(20, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith("logged ")) {
                    lastLogged = line;
                }
            }
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (lastLogged != null && !lastLogged.equals("logged " + total)) {
                killsWhileLogging++;
            }
        }
        assertThat(killsWhileLogging).as("kills while traces were flowing").isGreaterThanOrEqualTo(8);

        Process last = start("engine", url, "engine-a", "1", String.valueOf(total), "true", "true");
        BlockingQueue<String> out = lines(last);
        assertThat(last.waitFor(240, TimeUnit.SECONDS)).as("the last run finished").isTrue();
        assertThat(last.exitValue()).as("exit code; output tail " + tail(out)).isZero();
        assertExactlyOnce(url, experimentId, total);
    }

    @Test
    void threeEnginesOnPostgres_oneKilled_shareTheStreamExactlyOnce() throws Exception {
        String url = TestDatabases.newUrl(Dialect.POSTGRESQL);
        String experimentId = setUp(url, "crash");
        int total = 2_000;
        List<Process> engines = new ArrayList<>();
        List<BlockingQueue<String>> outs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            Process p = start("engine", url, "engine-" + e, "8", String.valueOf(total), "false", "false");
            engines.add(p);
            outs.add(lines(p));
        }
        for (BlockingQueue<String> out : outs) {
            awaitLine(out, "ready", 120);
        }
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            for (int i = 0; i < total; i += 20) {
                store.traces().put(CrashTraces.range(experimentId, i, i + 20));
                if (i == total / 2) {
                    engines.get(0).destroyForcibly(); // SIGKILL one engine while traces flow
                    assertThat(engines.get(0).waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                Thread.sleep(5); // pacing: the stream keeps flowing over a few seconds
            }
            // wait (deadline) until every sampled pair is stored; the dead engine's partitions move after 3 s
            Sampler sampler = Sampler.defaultSampler();
            TraceFilter ok = TraceFilter.parse(OK_FILTER);
            Map<String, List<String>> expected = Map.of("length", new ArrayList<>(), "ok_only", new ArrayList<>());
            for (int i = 0; i < total; i++) {
                Trace t = CrashTraces.trace(experimentId, i);
                if (sampler.keep(t.traceId(), "length", 0.5)) {
                    expected.get("length").add(t.traceId());
                }
                if (ok.test(t) && sampler.keep(t.traceId(), "ok_only", 0.3)) {
                    expected.get("ok_only").add(t.traceId());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (true) {
                int missing = 0;
                for (var e : expected.entrySet()) {
                    missing += e.getValue().size()
                            - store.assessments().tracesScoredBy(e.getKey(), 1, e.getValue()).size();
                }
                if (missing == 0) {
                    break;
                }
                assertThat(System.nanoTime()).as("all pairs scored before the deadline; missing " + missing)
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        Set<String> sharing = new HashSet<>();
        for (int e = 1; e < 3; e++) {
            engines.get(e).destroyForcibly();
            engines.get(e).waitFor(30, TimeUnit.SECONDS);
            for (String line : outs.get(e)) {
                if (line.startsWith("held [") && !line.equals("held []")) {
                    sharing.add("engine-" + e);
                }
            }
        }
        for (String line : outs.get(0)) {
            if (line.startsWith("held [") && !line.equals("held []")) {
                sharing.add("engine-0");
            }
        }
        assertThat(sharing).as("engines that held partitions").hasSizeGreaterThanOrEqualTo(2);
        assertExactlyOnce(url, experimentId, total);
    }

    @Test
    void backfillOf100kTracesOnH2_resumesAfterAKill_andReportsProgress() throws Exception {
        String url = TestDatabases.newUrl(Dialect.H2);
        int total = 100_000;
        String experimentId;
        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            Experiment e = store.experiments().getOrCreate("backfill");
            experimentId = e.experimentId();
            for (int i = 0; i < total; i += 2_000) {
                store.traces().put(CrashTraces.range(experimentId, i, i + 2_000));
            }
            ScorerRegistry registry = ScorerRegistry.of(store, experimentId);
            registry.register(Scorers.ofClass("half", CrashScorers.Length.class));
        }
        Process first = start("backfill", url, "engine-b", String.valueOf(total));
        BlockingQueue<String> out = lines(first);
        long killedAt = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (killedAt < 0 && System.nanoTime() < deadline) {
            String line = out.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("progress RUNNING ")) {
                long scanned = Long.parseLong(line.split(" ")[2]);
                long remaining = Long.parseLong(line.split(" ")[5]);
                if (scanned >= 20_000) {
                    assertThat(scanned + remaining).as("estimated total").isBetween(90_000L, 110_000L);
                    first.destroyForcibly(); // SIGKILL mid-backfill
                    first.waitFor(30, TimeUnit.SECONDS);
                    killedAt = scanned;
                }
            }
        }
        assertThat(killedAt).as("killed mid-backfill; output " + tail(out)).isPositive();

        Process second = start("backfill", url, "engine-c", String.valueOf(total));
        BlockingQueue<String> out2 = lines(second);
        assertThat(second.waitFor(900, TimeUnit.SECONDS)).as("resumed backfill finished; output " + tail(out2))
                .isTrue();
        assertThat(second.exitValue()).as("exit code; output " + tail(out2)).isZero();
        assertThat(List.copyOf(out2)).anyMatch(l -> l.startsWith("resuming "));

        try (JdbcStore store = JdbcStore.open(url, StoreOptions.defaults())) {
            Job job = store.jobs().list(experimentId).get(0);
            assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(job.progress().get("scanned")).isEqualTo(total);
            Sampler sampler = Sampler.defaultSampler();
            long expectedHalf = 0;
            long gotHalf = 0;
            for (int i = 0; i < total; i += 1_000) {
                List<String> ids = new ArrayList<>();
                for (int k = i; k < i + 1_000; k++) {
                    ids.add(CrashTraces.id(k));
                    expectedHalf += sampler.keep(CrashTraces.id(k), "half", 0.5) ? 1 : 0;
                }
                Set<String> half = store.assessments().tracesScoredBy("half", 1, ids);
                for (String id : half) {
                    assertThat(sampler.keep(id, "half", 0.5)).as("only sampled traces scored: " + id).isTrue();
                }
                gotHalf += half.size();
            }
            assertThat(gotHalf).isEqualTo(expectedHalf);
            assertThat(expectedHalf).isBetween(49_000L, 51_000L);
            assertThat(job.progress().get("sampled")).isEqualTo(expectedHalf);
            // pages done before the kill were not scored again: their pairs are counted as skipped at most once
            assertThat(job.progress().get("scored") + job.progress().get("skipped")).isEqualTo(expectedHalf);
        }
    }

    private static Process start(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        cp.add(Path.of("target", "test-classes").toAbsolutePath().toString());
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", String.join(File.pathSeparator, cp),
                EngineWorkerMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (IOException ignored) {
                // the process died
            }
        }, "engine-output");
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static void awaitLine(BlockingQueue<String> out, String wanted, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = out.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.equals(wanted)) {
                    return;
                }
            }
        }
        throw new AssertionError("no '" + wanted + "' line within " + seconds + " s; saw " + seen);
    }

    private static String tail(BlockingQueue<String> out) {
        List<String> all = new ArrayList<>(out);
        return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
    }
}
