package dev.vigil.spi.store.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link AssessmentRules#newId()}: the id's shape (a version 4 UUID's hex digits) and its uniqueness across threads. */
class AssessmentRulesIdTest {

    @Test
    void anId_isA_then_aVersion4UuidsHexDigits() {
        for (int i = 0; i < 1_000; i++) {
            String id = AssessmentRules.newId();
            assertThat(id).matches("a-[0-9a-f]{32}");
            String hex = id.substring(2);
            UUID uuid = UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
                    + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }

    @Test
    void idsMadeOnManyThreadsAtOnce_areAllDifferent() throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        int threads = 8;
        int each = 50_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        ids.add(AssessmentRules.newId());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(ids).hasSize(threads * each);
    }
}
