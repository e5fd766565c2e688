package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.scorer.Feedback;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scorer stopped by a limit is told which limit (with its value) and how to raise it; printing past the output
 * limit stops the call at once instead of flooding memory or running into another budget.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // hang guard only
class SandboxLimitsTest {
    private static final String HEAD = "from mlflow.genai.scorers import scorer\n\n@scorer\n";

    private static Object score(String name, String body) throws Exception {
        return TestSandboxes.scorer(name, HEAD + "def " + name + "(outputs):\n" + body.indent(4),
                Isolation.IN_PROCESS).score(TestSandboxes.input(name, "q", "a"));
    }

    @Test
    void endlessPrint_isStoppedByTheOutputLimit_namingTheLimitAndHowToRaiseIt() throws Exception {
        Feedback f = (Feedback) score("prints_forever", "while True:\n    print('spam' * 100)");
        assertThat(f.error().code()).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
        assertThat(f.error().message()).contains("printed more than its 16 KiB output limit")
                .contains("-Dvigil.python.outputLimit=").contains("outputLimitBytes");
        // what it printed, up to the limit, is attached
        assertThat(f.error().stackTrace()).contains("spamspam").hasSizeLessThan((16 << 10) + 200);
    }

    @Test
    void printingOnAfterCatchingTheLimit_isStoppedByTheWatchdog() throws Exception {
        Feedback f = (Feedback) score("swallows_limit",
                "while True:\n    try:\n        print('spam' * 100)\n    except BaseException:\n        pass");
        assertThat(f.error().code()).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
        assertThat(f.error().message()).contains("16 KiB output limit");
    }

    @Test
    void writingPastTheLimitBehindPrintsBack_isStoppedByTheWatchdog() throws Exception {
        Feedback f = (Feedback) score("raw_stdout", "import sys\nwhile True:\n    sys.__stdout__.write('x' * 1000)");
        assertThat(f.error().code()).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
    }

    @Test
    void catchingTheLimitAndReturning_stillFailsTheCall() throws Exception {
        Feedback f = (Feedback) score("catches_and_returns",
                "try:\n    print('x' * 100000)\nexcept BaseException:\n    pass\nreturn 1");
        assertThat(f.error().code()).isEqualTo("OUTPUT_LIMIT_EXCEEDED");
    }

    @Test
    void outputUnderTheLimit_keepsTheResult_andTheNextCallStartsWithNoOutput() throws Exception {
        assertThat(score("prints_a_little", "print('x' * 10000)\nprint('é' * 2000)\nreturn 1")).isEqualTo(1L);
        Feedback f = (Feedback) score("raises_after_print", "print('mine')\nraise ValueError('bad')");
        assertThat(f.error().code()).isEqualTo("ValueError");
        assertThat(f.error().stackTrace()).contains("mine").doesNotContain("xxxx").doesNotContain("ééé");
    }

    @Test
    void endlessLoop_isStoppedByTheTimeBudget_namingItAndHowToRaiseIt() throws Exception {
        Feedback f = (Feedback) score("loops_forever", "while True:\n    pass");
        assertThat(f.error().code()).isEqualTo("TIMEOUT");
        assertThat(f.error().message()).contains("ran longer than its 10 s time budget")
                .contains("-Dvigil.python.timeBudget=20s").contains("timeBudget(Duration)");
    }

    @Test
    void allocationHog_isStoppedByTheAllocationBudget_namingItAndHowToRaiseIt() throws Exception {
        Feedback f = (Feedback) score("allocates_forever",
                "while True:\n    b = bytearray(50000000)");
        assertThat(f.error().code()).isEqualTo("MEMORY_BUDGET_EXCEEDED");
        assertThat(f.error().message()).contains("allocated more than its 256 MiB allocation budget")
                .contains("-Dvigil.python.allocationBudget=512m").contains("allocationBudgetBytes");
    }

    @Test
    void systemProperties_setTheDefaultLimits() {
        System.setProperty(PythonSandbox.TIME_BUDGET_PROPERTY, "1500ms");
        System.setProperty(PythonSandbox.ALLOCATION_BUDGET_PROPERTY, "1g");
        System.setProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY, "256k");
        try {
            PythonSandbox s = PythonSandbox.builder().build();
            assertThat(s.timeBudget()).isEqualTo(Duration.ofMillis(1500));
            assertThat(s.settings().allocationBudgetBytes()).isEqualTo(1L << 30);
            assertThat(s.settings().outputLimitBytes()).isEqualTo(256 << 10);
            System.setProperty(PythonSandbox.TIME_BUDGET_PROPERTY, "PT2M");
            assertThat(PythonSandbox.builder().build().timeBudget()).isEqualTo(Duration.ofMinutes(2));
        } finally {
            System.clearProperty(PythonSandbox.TIME_BUDGET_PROPERTY);
            System.clearProperty(PythonSandbox.ALLOCATION_BUDGET_PROPERTY);
            System.clearProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY);
        }
        assertThat(PythonSandbox.builder().build().timeBudget()).isEqualTo(PythonSandbox.DEFAULT_TIME_BUDGET);
    }

    @Test
    void malformedSystemProperty_failsNamingItAndWhatIsAllowed() {
        System.setProperty(PythonSandbox.TIME_BUDGET_PROPERTY, "ten seconds");
        try {
            assertThatThrownBy(PythonSandbox::builder).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("vigil.python.timeBudget='ten seconds'").hasMessageContaining("10s");
        } finally {
            System.clearProperty(PythonSandbox.TIME_BUDGET_PROPERTY);
        }
        System.setProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY, "128g");
        try {
            assertThatThrownBy(PythonSandbox::builder).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("vigil.python.outputLimit='128g'").hasMessageContaining("output limit");
        } finally {
            System.clearProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY);
        }
        System.setProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY, "lots");
        try {
            assertThatThrownBy(PythonSandbox::builder).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("vigil.python.outputLimit='lots'").hasMessageContaining("256k");
        } finally {
            System.clearProperty(PythonSandbox.OUTPUT_LIMIT_PROPERTY);
        }
    }
}
