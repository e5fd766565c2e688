package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.scorer.Feedback;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A call's time budget starts when the scorer runs: loading its source (here module-level code that takes longer
 * than the whole time budget) is under the load budget and never turns an honest call into a TIMEOUT. The
 * module-level sleep is longer than the budget on any machine, so this does not depend on the machine's speed.
 */
class BudgetStartTest {

    private static final String SLOW_TO_LOAD = """
            import time
            from mlflow.genai.scorers import scorer

            time.sleep(3)

            @scorer
            def slow_to_load(outputs):
                return len(outputs["response"])
            """;

    @ParameterizedTest
    @EnumSource(Isolation.class)
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void loadingTheSource_isNotChargedToTheCallsBudget(Isolation isolation) throws Exception {
        try (PythonSandbox sandbox = PythonSandbox.builder().timeBudget(Duration.ofSeconds(2))
                .loadBudget(Duration.ofMinutes(3)).contexts(1).processes(1).processHeapMb(512).build()) {
            PythonScorer s = PythonScorer.builder().name("slow_to_load").source(SLOW_TO_LOAD).isolation(isolation)
                    .sandbox(sandbox).build();
            Object first = s.score(TestSandboxes.input("b1", "q", "four"));
            assertThat(first).as("first call (loads the source)").isEqualTo(4L);
            Object second = s.score(TestSandboxes.input("b2", "q", "seven!!"));
            assertThat(second).isEqualTo(7L);

            PythonScorer looping = PythonScorer.builder().name("loops").source("""
                    def loops(outputs):
                        while True:
                            pass
                    """).isolation(isolation).sandbox(sandbox).build();
            Feedback stopped = (Feedback) looping.score(TestSandboxes.input("b3", "q", "a"));
            assertThat(stopped.error().code()).isEqualTo("TIMEOUT");
            assertThat(stopped.error().message()).contains("2 s time budget");
        }
    }
}
