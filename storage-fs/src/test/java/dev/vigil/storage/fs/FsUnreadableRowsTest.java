package dev.vigil.storage.fs;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.store.UnreadableRowsConformanceSuite;
import dev.vigil.testkit.store.WriteLimitsConformanceSuite;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write limits and poison-proof reading on the file store: the records are written without the limits, as a
 * version before them did, and the store reopened so that it reads them from disk.
 */
class FsUnreadableRowsTest {

    @TempDir
    Path dir;

    @Nested
    class Poisoned extends UnreadableRowsConformanceSuite {
        private Clock openedWith;

        @Override
        protected Store openStore(Clock clock) {
            openedWith = clock;
            return Stores.open("fs:" + dir.resolve("store"), StoreOptions.withClock(clock));
        }

        @Override
        protected Store plantHugeAssessment(Store store, Assessment assessment) {
            ((FileStore) store).assessments.upsertScorerFeedback(
                    List.of(assessment.toBuilder().feedback("x".repeat(HUGE)).build()), null);
            store.close();
            return openStore(openedWith);
        }

        @Override
        protected Store plantUndecodableTrace(Store store, Trace trace) {
            Trace big = new Trace(trace.info(), List.of(trace.spans().get(0).toBuilder()
                    .outputs("x".repeat(HUGE)).build()));
            ((FileStore) store).traces.put(List.of(big), null);
            store.close();
            return openStore(openedWith);
        }
    }

    @Nested
    class Limits extends WriteLimitsConformanceSuite {
        @Override
        protected Store openStore(Clock clock) {
            return Stores.open("fs:" + dir.resolve("limits"), StoreOptions.withClock(clock));
        }
    }
}
