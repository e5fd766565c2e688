package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC drivers are optional in {@code vigil-storage-jdbc}; the command ships all three. Run as the launcher runs
 * it ({@code -p ... -m dev.vigil.cli/...}, the drivers found as {@code java.sql.Driver} services, no
 * {@code --add-modules}), it opens H2 and SQLite stores and reaches PostgreSQL's driver.
 */
class CommandDriversTest {

    @TempDir
    Path tmp;

    private record Run(int exitCode, String output) {}

    private static Run scorersList(String store) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED,org.xerial.sqlitejdbc", "-p",
                System.getProperty("jdk.module.path"), "-m", "dev.vigil.cli/dev.vigil.cli.VigilCommand", "scorers",
                "list", "--store", store);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void h2AndSqliteStores_openWithTheDriversTheCommandShips() throws Exception {
        for (String store : List.of("jdbc:h2:file:" + tmp.resolve("h2/vigil"), "jdbc:sqlite:" + tmp.resolve("vigil.db"))) {
            Run run = scorersList(store);

            assertThat(run.exitCode()).as(store + ": " + run.output()).isZero();
            assertThat(run.output()).as(store).contains("No scorers in experiment 'default'");
        }
    }

    @Test
    void postgresqlStore_reachesTheDriver_whichReportsTheRefusedConnection() throws Exception {
        Run run = scorersList("jdbc:postgresql://127.0.0.1:1/vigil");

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("the database is not reachable")
                .doesNotContain("JDBC driver is not on the class path");
    }
}
