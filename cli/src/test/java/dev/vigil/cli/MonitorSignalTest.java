package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil monitor} in its own JVM, stopped with SIGTERM as a service manager would. */
class MonitorSignalTest {

    @Test
    void monitor_onSigterm_drainsAndClosesTheStore(@TempDir Path tmp) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String modulePath = System.getProperty("jdk.module.path");
        assertThat(modulePath).as("tests run on the module path").isNotBlank();
        String storeUri = "jdbc:h2:file:" + tmp.resolve("db").toAbsolutePath();
        List<String> cmd = List.of(java, "-p", modulePath, "-m", "dev.vigil.cli/dev.vigil.cli.VigilCommand",
                "monitor", "--store", storeUri, "--status-every", "1s");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (System.nanoTime() < deadline && (line = r.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("Monitoring ")) {
                    break;
                }
            }
            assertThat(lines).as("started").anySatisfy(l -> assertThat(l).startsWith("Monitoring jdbc:h2:file:"));
            // SIGTERM as a service manager sends it (Process.destroy would also close our end of the pipes)
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor()).isZero();
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } finally {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }
        assertThat(p.exitValue()).isIn(130, 143);
        assertThat(lines).contains("Stopping (signal): draining the work in flight...");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Stopped cleanly: 0 traces seen"));
        assertThat(Files.exists(tmp.resolve("db.mv.db"))).isTrue();
        // the store was closed cleanly: it opens again at once (H2 would refuse a file another process holds)
        assertThat(Cli.real().run("scorers", "list", "--store", storeUri).out())
                .startsWith("No scorers in experiment 'default'");
    }
}
