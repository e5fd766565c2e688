package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The single-process rule of H2 file, SQLite and fs stores: while {@code vigil monitor} runs in one process, a
 * second process fails at once, naming the holder's pid; after a SIGTERM the first process saved its cursors and
 * released the store, so the next command opens it.
 */
class SingleProcessStoreTest {

    @TempDir
    Path tmp;

    private Process monitor(String store, List<String> lines) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String modulePath = System.getProperty("jdk.module.path");
        List<String> cmd = List.of(java, "-p", modulePath, "-m", "dev.vigil.cli/dev.vigil.cli.VigilCommand",
                "monitor", "--store", store, "--status-every", "1s");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String line;
        while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("Monitoring ")) {
                break;
            }
        }
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(l);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "sqlite", "fs"})
    void secondProcess_failsAtOnceNamingTheHolder_andSigtermReleasesTheStore(String kind) throws Exception {
        String store = switch (kind) {
            case "h2" -> "jdbc:h2:file:" + tmp.resolve("vigil-data/vigil");
            case "sqlite" -> "jdbc:sqlite:" + tmp.resolve("vigil.db");
            default -> "fs:" + tmp.resolve("fsdata");
        };
        List<String> lines = new ArrayList<>();
        Process p = monitor(store, lines);
        try {
            assertThat(lines).as(String.join("\n", lines)).anySatisfy(l -> assertThat(l).startsWith("Monitoring "));

            Cli.Result second = Cli.real().run("scorers", "list", "--store", store);

            assertThat(second.code()).isNotZero();
            assertThat(second.err()).contains("another vigil process holds").contains("(pid " + p.pid() + ")")
                    .contains("use PostgreSQL");

            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).isIn(130, 143);
        synchronized (lines) {
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains("Database is already closed"));
            assertThat(lines).noneSatisfy(l -> assertThat(l).contains("could not save cursors"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Stopped cleanly"));
        }
        assertThat(Cli.real().run("scorers", "list", "--store", store).code()).isZero();
    }
}
