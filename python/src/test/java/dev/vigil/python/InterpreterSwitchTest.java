package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The optimizing-runtime switch: {@code optimizing()} reports what the engine is. A CONSTRAINED engine cannot turn the
 * optimizing runtime off, so with JVMCI (as the python module's tests run) the switch has no effect and the sandbox
 * says so; without JVMCI the scorers run interpreted.
 */
class InterpreterSwitchTest {

    @Test
    void optimizingRuntimeOff_reportsWhatTheEngineIs() throws Exception {
        boolean jvmci = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.equals("-XX:+EnableJVMCI"));
        try (PythonSandbox sandbox = PythonSandbox.builder().optimizingRuntime(false).contexts(1).processes(1)
                .timeBudget(Duration.ofSeconds(30)).build()) {
            PythonScorer s = PythonScorer.builder().name("response_length").source(SeedScorersTest.RESPONSE_LENGTH)
                    .isolation(Isolation.IN_PROCESS).sandbox(sandbox).build();
            assertThat(s.score(TestSandboxes.input("interp", "q", "abcd"))).isEqualTo(4L);
            assertThat(sandbox.optimizing()).as("JVM started with -XX:+EnableJVMCI: %s", jvmci).isEqualTo(jvmci);
        }
    }
}
