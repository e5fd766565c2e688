package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcUrlPolicyTest {

    @TempDir
    Path dir;

    @Test
    void h2InitRunscript_isRefusedAndTheScriptNeverRuns() throws Exception {
        Path script = dir.resolve("evil.sql");
        Path marker = dir.resolve("ran");
        Files.writeString(script, "CALL FILE_WRITE('x', '" + marker.toString().replace("'", "''") + "');");
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";INIT=RUNSCRIPT FROM '" + script + "'";
        assertThatThrownBy(() -> Stores.open(url))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("H2 setting 'INIT'")
                .hasMessageContaining("allowed: ");
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {";TRACE_LEVEL_FILE=3", ";trace_level_system_out=3", ";AUTO_SERVER=TRUE",
            ";FILE_LOCK=NO", "; Init = CREATE ALIAS X FOR 'java.lang.Runtime.exec'", ";IFEXISTS=FALSE",
            ";RUNSCRIPT FROM 'x'"})
    void h2DangerousSettings_areRefused(String setting) {
        assertThatThrownBy(() -> JdbcUrlPolicy.check(Dialect.H2, "jdbc:h2:file:./x" + setting))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Vigil refuses");
    }

    @Test
    void h2Embedded_getsDbCloseOnExitFalse_serverModeDoesNot() {
        assertThat(JdbcUrlPolicy.check(Dialect.H2, "jdbc:h2:file:./x;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=TRUE"))
                .isEqualTo("jdbc:h2:file:./x;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(JdbcUrlPolicy.check(Dialect.H2, "jdbc:h2:mem:t")).isEqualTo("jdbc:h2:mem:t;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(JdbcUrlPolicy.check(Dialect.H2, "jdbc:h2:tcp://h/db")).isEqualTo("jdbc:h2:tcp://h/db");
    }

    @ParameterizedTest
    @ValueSource(strings = {"socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext",
            "socketFactoryArg=http://x/y.xml", "sslfactory=x.Y", "sslhostnameverifier=x.Y",
            "sslpasswordcallback=x.Y", "authenticationPluginClassName=x.Y", "loggerFile=/tmp/x.log",
            "loggerLevel=TRACE", "SOCKETFACTORY=x"})
    void postgresDangerousProperties_areRefused(String property) {
        assertThatThrownBy(() -> JdbcUrlPolicy.check(Dialect.POSTGRESQL,
                "jdbc:postgresql://localhost/db?user=u&" + property))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("loads code or writes files");
    }

    @Test
    void postgresOrdinaryProperties_areKept() {
        String url = "jdbc:postgresql://localhost/db?user=u&password=p&ssl=true&sslmode=verify-full";
        assertThat(JdbcUrlPolicy.check(Dialect.POSTGRESQL, url)).isEqualTo(url);
    }

    @Test
    void sqliteExtensionLoading_isRefused() {
        assertThatThrownBy(() -> JdbcUrlPolicy.check(Dialect.SQLITE, "jdbc:sqlite:x.db?enable_load_extension=true"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("loading SQLite extensions is refused");
    }

    @Test
    void unreachablePostgres_messageNeverShowsThePassword() {
        assertThatThrownBy(() -> Stores.open("jdbc:postgresql://127.0.0.1:1/db?user=u&password=secret123",
                new StoreOptions(java.time.Clock.systemUTC(), Map.of("pool.timeoutMs", "500"))))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("secret123");
                    }
                });
    }

    @Test
    void unreachablePostgres_passwordGivenInProperties_neverShows() {
        assertThatThrownBy(() -> Stores.open("jdbc:postgresql://127.0.0.1:1/db",
                new StoreOptions(java.time.Clock.systemUTC(), Map.of("user", "u", "password", "propSecret77",
                        "pool.timeoutMs", "500"))))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith("cannot open the store jdbc:postgresql://127.0.0.1:1/db");
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("propSecret77");
                        assertThat(String.valueOf(t)).doesNotContain("propSecret77");
                    }
                });
    }

    @Test
    void h2FileUnderProc_failsWithOneLineAndAShortCauseChain() {
        assertThatThrownBy(() -> Stores.open("jdbc:h2:file:/proc/vigil"))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith("cannot open the store /proc/vigil")
                            .doesNotContain("\n");
                    int depth = 0;
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        depth++;
                    }
                    assertThat(depth).isLessThanOrEqualTo(2);
                });
    }

    @Test
    void secondStoreOnSameH2FileInOneProcess_sharesTheLock() {
        String url = "jdbc:h2:file:" + dir.resolve("shared");
        try (Store a = Stores.open(url); Store b = Stores.open(url)) {
            assertThat(a.experiments().getOrCreate("e").experimentId())
                    .isEqualTo(b.experiments().getOrCreate("e").experimentId());
        }
        assertThat(dir.resolve("shared" + dev.vigil.spi.store.StoreLock.SUFFIX)).exists();
    }
}
