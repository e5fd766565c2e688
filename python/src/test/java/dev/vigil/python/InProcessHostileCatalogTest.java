package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hostile catalog in-process ({@link Isolation#IN_PROCESS}). */
class InProcessHostileCatalogTest extends HostileCatalogContract {

    @Override
    Isolation isolation() {
        return Isolation.IN_PROCESS;
    }

    /**
     * In-process, an intrinsic such as {@code sum(range(n))} cannot be interrupted: the call is answered at its
     * budget, and its thread is written off. {@code sum(range(10**12))} would keep that thread busy for hours, so
     * the catalog uses a size that ends (about 15 s on this machine) while still ignoring interrupts; the PROCESS
     * catalog runs the full-size one.
     */
    @Override
    Stream<Hostile> uncancellable() {
        return Stream.empty();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void uncancellableIntrinsic_isWrittenOffAndQuarantined_andThePoolKeepsItsCapacity() throws Exception {
        // A sandbox of its own with a budget far below the intrinsic's run time (about 15 s here), so the overrun
        // does not depend on the machine's speed; the normal calls below take milliseconds.
        try (PythonSandbox sandbox = PythonSandbox.builder().timeBudget(Duration.ofSeconds(2)).contexts(2)
                .quarantineAfterOverruns(3).cancelGrace(Duration.ofMillis(500)).build()) {
            uncancellable(sandbox);
        }
    }

    private static void uncancellable(PythonSandbox sandbox) throws Exception {
        int writtenOffBefore = sandbox.writtenOffThreads();
        PythonScorer s = PythonScorer.builder().name("sum_range").source("""
                from mlflow.genai.scorers import scorer

                @scorer
                def sum_range(outputs):
                    return sum(range(3 * 10**7))
                """).isolation(Isolation.IN_PROCESS).sandbox(sandbox).build();
        Feedback f = (Feedback) s.score(TestSandboxes.input("u1", "q", "a"));
        // stopped by its time budget or, where the intrinsic allocates as it runs, by its allocation budget
        assertThat(f.error().code()).isIn("TIMEOUT", "MEMORY_BUDGET_EXCEEDED");
        await(Duration.ofMinutes(2), () -> s.status().isQuarantined());
        assertThat(s.status().state()).isEqualTo(ScorerStatus.State.QUARANTINED);
        assertThat(s.status().reason()).contains("cannot be interrupted in-process").contains("written off");
        // The feedback, the log and the quarantine reason name the same limit, and the feedback says how to raise it
        // (issue #20: the log said "overran its 5 s budget" while the feedback said MEMORY_BUDGET_EXCEEDED).
        if (f.error().code().equals("TIMEOUT")) {
            assertThat(f.error().message()).contains("2 s time budget").contains("-Dvigil.python.timeBudget=4s");
            assertThat(s.status().reason()).contains("went past its 2 s time budget");
        } else {
            assertThat(f.error().message()).contains("allocation budget").contains("-Dvigil.python.allocationBudget=");
            assertThat(s.status().reason()).contains("allocation budget").doesNotContain("time budget");
        }
        assertThat(sandbox.writtenOffThreads()).isEqualTo(writtenOffBefore + 1);
        Feedback refused = (Feedback) s.score(TestSandboxes.input("u2", "q", "a"));
        assertThat(refused.error().code()).isEqualTo(PythonScorer.QUARANTINED);
        // Both contexts keep serving: two calls at once both complete.
        PythonScorer normal = PythonScorer.builder().name("after_write_off").source(SeedScorersTest.RESPONSE_LENGTH)
                .isolation(Isolation.IN_PROCESS).sandbox(sandbox).build();
        var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> call(normal, "abc"));
        var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> call(normal, "abcdef"));
        assertThat(a.get(5, TimeUnit.MINUTES)).isEqualTo(3L);
        assertThat(b.get(5, TimeUnit.MINUTES)).isEqualTo(6L);
    }

    private static Object call(PythonScorer s, String response) {
        try {
            return s.score(TestSandboxes.input("w" + response, "q", response));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
