package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command and subcommand of {@code vigil} answers {@code --help} and {@code -h} with its usage, exit 0. */
class HelpEverywhereTest {

    /** @return the path of every command in the tree (e.g. {@code [scorers, register]}), the root as {@code []} */
    static Stream<List<String>> commandPaths() {
        CommandLine root = VigilCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<List<String>> paths = new ArrayList<>();
        walk(root, new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        // getSubcommands() also lists aliases; keep each command once, by its own name
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, into);
            }
        });
    }

    @Test
    void commandTree_isWalkedWholly() {
        List<List<String>> paths = commandPaths().toList();
        assertThat(paths).contains(List.of(), List.of("scorers", "register"), List.of("traces", "import"),
                List.of("jobs", "status"));
    }

    @ParameterizedTest(name = "vigil {0} --help")
    @MethodSource("commandPaths")
    void longHelp_printsUsageAndExitsZero(List<String> path) {
        assertHelp(path, "--help");
    }

    @ParameterizedTest(name = "vigil {0} -h")
    @MethodSource("commandPaths")
    void shortHelp_printsUsageAndExitsZero(List<String> path) {
        assertHelp(path, "-h");
    }

    private static void assertHelp(List<String> path, String flag) {
        List<String> args = new ArrayList<>(path);
        args.add(flag);
        Cli.Result r = Cli.real().run(args.toArray(String[]::new));
        assertThat(r.code()).as("exit code of vigil %s (stderr: %s)", String.join(" ", args), r.err()).isZero();
        assertThat(r.err()).as("stderr of vigil %s", String.join(" ", args)).isEmpty();
        assertThat(r.out()).as("usage of vigil %s", String.join(" ", args))
                .contains("Usage: vigil" + (path.isEmpty() ? "" : " " + String.join(" ", path)))
                .contains("-h, --help");
    }
}
