package dev.vigil.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Syntax errors are reported where the user wrote them. The expected lines are CPython 3.11's ({@code compile()} of
 * the same source); the column is where the offending line's code starts (its indentation ends), 1-based. GraalPy
 * reports several indentation errors at line 1 or at the end of the source: the harness finds the line itself.
 */
class SyntaxErrorPositionTest {
    private static final String HEAD = "from mlflow.genai.scorers import scorer\n\n@scorer\ndef f(outputs):\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("unexpected indent", HEAD + "    x = 1\n      return x\n", 6, 7, "unexpected indent"),
                Arguments.of("unindent that matches no outer level",
                        HEAD + "    if outputs:\n        x = 1\n      return x\n", 7, 7, "unindent does not match"),
                Arguments.of("no body after def", HEAD + "return 1\n", 5, 1, "expected an indented block"),
                Arguments.of("no body after if", HEAD + "    x = 1\n    if x:\n    return 2\n", 7, 5,
                        "expected an indented block"),
                Arguments.of("tabs mixed with spaces", HEAD + "    if outputs:\n\tx = 1\n        return x\n", 6, 2,
                        "inconsistent use of tabs and spaces"),
                Arguments.of("unexpected indent after a bracketed continuation",
                        "from mlflow.genai.scorers import scorer\n\n# a comment\n@scorer\ndef f(outputs):\n"
                                + "    x = (1 +\n         2)\n        return x\n", 8, 9, "unexpected indent"),
                Arguments.of("indent at the top level", "from mlflow.genai.scorers import scorer\n  x = 1\n", 2, 3,
                        "unexpected indent"),
                Arguments.of("a plain syntax error", HEAD + "    return (1 +\n\n", 5, 12, "never closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void syntaxError_isReportedAtTheLineAndColumnTheUserWrote(String what, String source, int line, int column,
            String message) {
        assertThatThrownBy(() -> TestSandboxes.scorer("syntax", source, Isolation.IN_PROCESS))
                .isInstanceOfSatisfying(PythonSourceException.class, e -> {
                    assertThat(e.line()).as("line").isEqualTo(line);
                    assertThat(e.column()).as("column").isEqualTo(column);
                    assertThat(e.getMessage()).contains("line " + line + ", column " + column).contains(message);
                });
    }
}
