package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The optimizing-runtime switch: off means GraalPy's interpreter, whatever flags the JVM was started with. */
class InterpreterSwitchTest {

    @Test
    void optimizingRuntimeOff_runsScorersInterpreted() throws Exception {
        try (PythonSandbox sandbox = PythonSandbox.builder().optimizingRuntime(false).contexts(1).processes(1)
                .timeBudget(Duration.ofSeconds(30)).build()) {
            PythonScorer s = PythonScorer.builder().name("response_length").source(SeedScorersTest.RESPONSE_LENGTH)
                    .isolation(Isolation.IN_PROCESS).sandbox(sandbox).build();
            assertThat(s.score(TestSandboxes.input("interp", "q", "abcd"))).isEqualTo(4L);
            assertThat(sandbox.optimizing()).isFalse();
        }
    }
}
