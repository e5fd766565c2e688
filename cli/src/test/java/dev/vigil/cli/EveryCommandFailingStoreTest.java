package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Issue #20's "Done when": every command that opens a store, run against an unreachable PostgreSQL and against an
 * H2 store another process holds, prints at most three lines (no stack trace) without {@code --verbose}, exits
 * non-zero, and says what is wrong with the store. The command list is walked from the command tree, so a command
 * added later is covered without editing this test.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class EveryCommandFailingStoreTest {

    @TempDir
    static Path tmp;

    private static Process holder;
    private static String lockedH2;

    @BeforeAll
    static void holdAnH2StoreInAnotherProcess() throws Exception {
        Path db = tmp.resolve("held/vigil");
        Files.createDirectories(db.getParent());
        lockedH2 = "jdbc:h2:file:" + db;
        // the lock the store takes: an OS file lock on <path>.vigil-lock with the holder's pid in it
        Path src = tmp.resolve("Hold.java");
        Files.writeString(src, """
                import java.nio.*; import java.nio.channels.*; import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE,
                                StandardOpenOption.READ, StandardOpenOption.WRITE);
                        FileLock l = ch.lock();
                        ch.truncate(0);
                        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\\n").getBytes()), 0);
                        System.out.println("locked");
                        System.out.flush();
                        Thread.sleep(Long.MAX_VALUE);
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElseThrow();
        holder = new ProcessBuilder(java, src.toString(), db + ".vigil-lock").redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("locked");
    }

    @AfterAll
    static void release() {
        if (holder != null) {
            holder.destroyForcibly();
        }
    }

    /** Options a command needs before it opens the store at all (else it rightly fails on their absence first). */
    private static final Map<String, List<String>> EXTRA = Map.of(
            "scorers update", List.of("--sample-rate", "0.5"),
            "monitors create", List.of("--scorer", "x", "--critical", "0.5"),
            // a budget needs a limit, checked before the store is opened
            "budgets set", List.of("--usd", "5"));

    /** A store opener as the real one, with a short connection timeout so that each command fails in a second. */
    private static Cli cli() {
        return Cli.with(uri -> Stores.open(uri, new StoreOptions(Clock.systemUTC(), Map.of("pool.timeoutMs", "500"))));
    }

    /** @return every leaf command that has a --store option, with made-up but well-formed arguments */
    static List<List<String>> commandsWithStore(String storeUri) throws Exception {
        CommandLine root = VigilCommand.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<List<String>> out = new ArrayList<>();
        walk(root, new ArrayList<>(), out, storeUri);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> into, String storeUri)
            throws Exception {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--store") != null) {
            List<String> args = new ArrayList<>(path);
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (p.arity().min() > 0) {
                    args.add(value(p.type(), p.paramLabel(), p.paramLabel()));
                }
            }
            for (OptionSpec o : spec.options()) {
                if (o.required() && o.group() == null) {
                    args.add(o.longestName());
                    args.add(value(o.type(), o.longestName(), o.paramLabel()));
                }
            }
            for (ArgGroupSpec g : spec.argGroups()) {
                if (g.multiplicity().min() > 0) {
                    OptionSpec first = g.options().iterator().next();
                    args.add(first.longestName());
                    args.add(value(first.type(), first.longestName(), first.paramLabel()));
                }
            }
            args.addAll(EXTRA.getOrDefault(String.join(" ", path), List.of()));
            args.add("--store");
            args.add(storeUri);
            into.add(args);
        }
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                try {
                    walk(sub, next, into, storeUri);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private static String value(Class<?> type, String name, String label) throws Exception {
        if (type == Path.class || (type == List.class && label.contains("PATH"))) {
            String file = switch (name) {
                case "--python" -> "s.py";
                case "--out", "-o" -> "out.json";
                case "--to" -> "archive";
                default -> "in.json";
            };
            Path p = tmp.resolve(file);
            if (file.equals("s.py")) {
                Files.writeString(p, "from mlflow.genai.scorers import scorer\n\n@scorer\ndef s(outputs):\n    return True\n");
            } else if (file.equals("in.json")) {
                Files.writeString(p, dev.vigil.testkit.Fixtures.read("mlflow-traces/v3_databricks_agent_predict_ok_trace.json"));
            }
            return p.toString();
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "1";
        }
        if (type == double.class || type == Double.class) {
            return "0.5";
        }
        if (type == TimeArg.class || label.contains("TIME")) {
            return "1h";
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0].toString();
        }
        return "x";
    }

    private static void assertShortFailure(SoftAssertions soft, List<String> args, Cli.Result r, String expected) {
        String shown = "vigil " + String.join(" ", args) + "\n--- out:\n" + r.out() + "--- err:\n" + r.err();
        soft.assertThat(r.code()).as(shown).isNotZero();
        long lines = (r.out() + r.err()).lines().filter(l -> !l.isBlank()).count();
        soft.assertThat(lines).as(shown).isBetween(1L, 3L);
        soft.assertThat(r.out() + r.err()).as(shown).doesNotContain("\tat ").doesNotContainIgnoringCase("exception")
                .contains(expected);
    }

    @Test
    void everyCommand_onAnUnreachablePostgres_failsInAtMostThreeLines() throws Exception {
        String uri = "jdbc:postgresql://127.0.0.1:1/vigil?user=u&password=secret123&connectTimeout=1";
        List<List<String>> commands = commandsWithStore(uri);
        assertThat(commands).hasSizeGreaterThan(20);
        SoftAssertions soft = new SoftAssertions();
        for (List<String> args : commands) {
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertShortFailure(soft, args, r, "not reachable");
            soft.assertThat(r.out() + r.err()).doesNotContain("secret123");
        }
        soft.assertAll();
    }

    @Test
    void everyCommand_onAnH2StoreAnotherProcessHolds_failsInAtMostThreeLinesNamingTheHolder() throws Exception {
        List<List<String>> commands = commandsWithStore(lockedH2);
        assertThat(commands).hasSizeGreaterThan(20);
        SoftAssertions soft = new SoftAssertions();
        for (List<String> args : commands) {
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertShortFailure(soft, args, r, "another vigil process holds");
            soft.assertThat(r.out() + r.err()).contains("(pid " + holder.pid() + ")");
        }
        soft.assertAll();
    }

    @Test
    void verbose_addsTheStackTraceForAStoreFailure() throws Exception {
        Cli.Result r = cli().run("scorers", "list", "--store", lockedH2, "--verbose");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("another vigil process holds").contains("\tat ");
    }
}
