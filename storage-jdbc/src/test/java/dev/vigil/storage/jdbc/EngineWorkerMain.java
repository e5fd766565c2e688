package dev.vigil.storage.jdbc;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.spi.store.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A Vigil engine in its own JVM, for the crash tests. Modes:
 * <ul>
 *   <li>{@code engine <url> <engineId> <partitions> <total> <write> <finish>}: monitors; if {@code write}, logs
 *       the deterministic traces from where the store stopped up to {@code total}; if {@code finish}, exits 0 once
 *       every trace is logged and the engine is idle with its cursors committed; else runs until killed.</li>
 *   <li>{@code backfill <url> <engineId> <end-index>}: starts the backfill (or resumes it) and exits 0 when it
 *       succeeded, printing its progress.</li>
 * </ul>
 */
public final class EngineWorkerMain {

    private EngineWorkerMain() {}

    /**
     * @param args see the class comment
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String engineId = args[2];
        if (mode.equals("engine")) {
            engine(url, engineId, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Boolean.parseBoolean(args[5]), Boolean.parseBoolean(args[6]));
        } else {
            backfill(url, engineId, Integer.parseInt(args[3]));
        }
        System.exit(0);
    }

    private static void engine(String url, String engineId, int partitions, int total, boolean write,
            boolean finish) throws Exception {
        Vigil vigil = Vigil.builder().store(url).engineId(engineId).partitions(partitions)
                .leaseTtl(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).build();
        ExperimentHandle exp = vigil.experiment("crash");
        vigil.startMonitoring();
        System.out.println("ready");
        System.out.flush();
        Thread reporter = Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                System.out.println("held " + vigil.engine().heldPartitions());
                System.out.flush();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        if (write) {
            int from = (int) vigil.store().traces().count(exp.id());
            for (int i = from; i < total; i += 10) {
                exp.log(CrashTraces.range(exp.id(), i, Math.min(total, i + 10)));
                System.out.println("logged " + Math.min(total, i + 10));
                Thread.sleep(20); // pacing: traces flow while the test kills this process
            }
        }
        if (!finish) {
            Thread.sleep(Duration.ofHours(1));
            return;
        }
        long idleSince = -1;
        while (true) {
            boolean idle = vigil.engine().queueDepth() == 0 && vigil.engine().cursorLag() == 0
                    && vigil.store().traces().count(exp.id()) == total && !vigil.engine().heldPartitions().isEmpty();
            if (idle && idleSince < 0) {
                idleSince = System.nanoTime();
            } else if (!idle) {
                idleSince = -1;
            }
            // idle for one second: several polls found nothing new
            if (idleSince > 0 && System.nanoTime() - idleSince > 1_000_000_000L) {
                break;
            }
            Thread.sleep(50);
        }
        reporter.interrupt();
        vigil.close();
        System.out.println("done");
    }

    private static void backfill(String url, String engineId, int endIndex) throws Exception {
        Vigil vigil = Vigil.builder().store(url).engineId(engineId).leaseTtl(Duration.ofSeconds(3))
                .backfillPageSize(1_000).backfillParallelism(4).build();
        ExperimentHandle exp = vigil.experiment("backfill");
        List<String> existing = vigil.store().jobs().list(exp.id()).stream().map(j -> j.jobId()).toList();
        String job;
        if (existing.isEmpty()) {
            job = exp.backfill(List.of(BackfillScorer.of("half", 0.5)),
                    CrashTraces.START, CrashTraces.START.plusMillis(endIndex * 10L));
            System.out.println("submitted " + job);
        } else {
            job = existing.get(0);
            System.out.println("resuming " + job);
        }
        vigil.startMonitoring(); // resumes an abandoned job once its lease is free
        while (true) {
            BackfillProgress p = exp.backfillProgress(job);
            System.out.println("progress " + p.status() + " " + p.scanned() + " " + p.scored() + " "
                    + p.skipped() + " " + p.estimatedRemaining());
            System.out.flush();
            if (p.status().isTerminal()) {
                if (p.status() != JobStatus.SUCCEEDED) {
                    throw new IllegalStateException("backfill ended " + p);
                }
                break;
            }
            Thread.sleep(100);
        }
        vigil.close();
        System.out.println("done " + Instant.now());
    }
}
