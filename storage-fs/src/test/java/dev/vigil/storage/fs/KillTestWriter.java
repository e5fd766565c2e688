package dev.vigil.storage.fs;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.StoreOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The child process of {@link CrashKillTest}: writes batches of traces (some spanning two experiments) and their
 * scorer feedback as fast as it can, printing {@code ACK n} after each batch is acknowledged, until it is killed.
 * Arguments: store directory, first trace number, random seed, segment size, fsync policy.
 */
public final class KillTestWriter {
    private KillTestWriter() {}

    /** @param args directory, first trace number, seed, segment bytes, fsync policy */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long next = Long.parseLong(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        PrintStream out = System.out;
        Instant base = Instant.parse("2026-02-01T00:00:00Z");
        try (FsStore store = FsStore.open(dir, new StoreOptions(Clock.systemUTC(),
                Map.of("fs.segmentBytes", args[3], "fs.fsync", args[4], "fs.archiveIntervalMs", "0")))) {
            String a = store.experiments().getOrCreate("kill-a").experimentId();
            String b = store.experiments().getOrCreate("kill-b").experimentId();
            out.println("READY");
            out.flush();
            long limit = next + 200_000; // bounded even if never killed
            while (next < limit) {
                int size = 1 + random.nextInt(12);
                List<Trace> batch = new ArrayList<>(size);
                List<Assessment> feedback = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    long n = next + i;
                    Trace t = TestTraces.rag(n % 3 == 0 ? b : a, n, base.plusMillis(n * 10));
                    batch.add(t);
                    feedback.add(TestTraces.feedback(t.traceId(), "quality", "judge", 1, n, base));
                }
                store.traces().put(batch);
                store.assessments().upsertScorerFeedback(feedback);
                next += size;
                out.println("ACK " + (next - 1));
                out.flush();
            }
        }
    }
}
