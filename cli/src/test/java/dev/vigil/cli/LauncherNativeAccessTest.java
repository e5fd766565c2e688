package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code vigil} launcher allows native access to SQLite's driver: a command on a SQLite store prints no
 * "restricted method" JVM warnings (issue #20: four per command). Runs the CLI in a child JVM with the launcher's own
 * native-access list, and without it as a control (which must show the warning, or this test proves nothing).
 */
class LauncherNativeAccessTest {

    @TempDir
    Path tmp;

    private static String launcherNativeAccess() throws Exception {
        Path launcher = Path.of("").toAbsolutePath().getParent().resolve("vigil");
        Matcher m = Pattern.compile("NATIVE_ACCESS=\"([^\"]*org\\.xerial\\.sqlitejdbc[^\"]*)\"")
                .matcher(Files.readString(launcher));
        assertThat(m.find()).as("the launcher names SQLite's module in --enable-native-access").isTrue();
        return m.group(1);
    }

    private String run(String nativeAccess) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(java, "--enable-native-access=" + nativeAccess, "-p",
                System.getProperty("jdk.module.path"), "-m", "dev.vigil.cli/dev.vigil.cli.VigilCommand", "scorers",
                "list", "--store", "jdbc:sqlite:" + tmp.resolve("vigil.db"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void sqliteCommand_withTheLaunchersFlags_printsNoRestrictedMethodWarning() throws Exception {
        String with = run(launcherNativeAccess());
        String without = run("ALL-UNNAMED");

        assertThat(without).as("control run").contains("restricted method");
        assertThat(with).doesNotContainIgnoringCase("restricted method").doesNotContain("WARNING")
                .contains("No scorers in experiment 'default'");
    }
}
