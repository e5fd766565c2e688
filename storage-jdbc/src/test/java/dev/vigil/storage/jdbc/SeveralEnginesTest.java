package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Job;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three engine processes share one PostgreSQL database and divide the work units with leases; one is killed with
 * SIGKILL while it holds a unit. In the end every unit is done exactly once and every trace scored exactly once.
 */
class SeveralEnginesTest {

    private static final int UNITS = 24;
    private static final int PER_UNIT = 3;

    @Test
    void threeWorkers_oneKilledMidUnit_everyUnitProcessedExactlyOnce() throws Exception {
        String url = TestDatabases.newUrl(Dialect.POSTGRESQL);
        String experimentId;
        try (JdbcStore store = JdbcStore.open(url, dev.vigil.spi.store.StoreOptions.defaults())) {
            Experiment e = store.experiments().getOrCreate("several-engines");
            experimentId = e.experimentId();
            List<Trace> traces = new ArrayList<>();
            for (int u = 0; u < UNITS; u++) {
                for (int i = 0; i < PER_UNIT; i++) {
                    traces.add(JdbcStoreBasicsTest.trace(LeaseWorkerMain.traceId(u, i), experimentId,
                            Instant.ofEpochMilli(u * 1000L + i), Map.of()));
                }
            }
            store.traces().put(traces);
        }

        List<Process> workers = new ArrayList<>();
        List<BlockingQueue<String>> outputs = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Process p = startWorker(url, "worker-" + w, experimentId);
            workers.add(p);
            outputs.add(lines(p));
        }
        // kill worker 0 as soon as it is in the middle of a unit
        String victimUnit = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (victimUnit == null && System.nanoTime() < deadline) {
            String line = outputs.get(0).poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith("start ")) {
                victimUnit = line.split(" ")[1];
            }
        }
        assertThat(victimUnit).as("worker-0 started a unit").isNotNull();
        workers.get(0).destroyForcibly(); // SIGKILL on Linux
        assertThat(workers.get(0).waitFor(2, TimeUnit.MINUTES)).isTrue();

        for (int w = 1; w < 3; w++) {
            assertThat(workers.get(w).waitFor(10, TimeUnit.MINUTES)).as("worker-" + w + " finished").isTrue();
            assertThat(workers.get(w).exitValue()).as("worker-" + w + " exit code, output " + outputs.get(w)).isZero();
        }

        try (JdbcStore store = JdbcStore.open(url, dev.vigil.spi.store.StoreOptions.defaults())) {
            Map<String, Long> doneBy = new HashMap<>();
            for (int u = 0; u < UNITS; u++) {
                Job done = store.jobs().get("done-" + LeaseWorkerMain.unit(u)).orElseThrow(
                        () -> new AssertionError("a unit was never done"));
                doneBy.merge(String.valueOf(done.spec().get("owner")), 1L, Long::sum);
                for (int i = 0; i < PER_UNIT; i++) {
                    List<Assessment> as = store.assessments().listByTrace(LeaseWorkerMain.traceId(u, i));
                    assertThat(as).as("feedback on " + LeaseWorkerMain.traceId(u, i)).hasSize(1);
                }
            }
            assertThat(store.jobs().list(experimentId)).hasSize(UNITS);
            Job victim = store.jobs().get("done-" + victimUnit).orElseThrow();
            assertThat(victim.spec().get("owner")).as("the killed worker's unit was taken over").isNotEqualTo("worker-0");
            assertThat(((Number) victim.spec().get("token")).longValue()).as("the new holder has a greater token")
                    .isGreaterThan(1L);
            assertThat(doneBy.getOrDefault("worker-1", 0L) + doneBy.getOrDefault("worker-2", 0L)).isGreaterThan(0L);
        }
    }

    private static Process startWorker(String url, String owner, String experimentId) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                cp.add(v);
            }
        }
        cp.add(0, Path.of("target", "test-classes").toAbsolutePath().toString());
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", String.join(File.pathSeparator, cp), LeaseWorkerMain.class.getName(), url, owner, experimentId,
                String.valueOf(UNITS), String.valueOf(PER_UNIT), "40");
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (IOException ignored) {
                // the process died
            }
        }, "worker-output");
        t.setDaemon(true);
        t.start();
        return q;
    }

}
