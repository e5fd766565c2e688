package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JDBC drivers are optional dependencies of the store: a real {@code java} process, on this test's own module
 * path (or class path) with a driver jar left out, opens a store URL of that database through
 * {@code Stores.open} and gets one error naming the database and the Maven coordinates to add, with the version of
 * the driver jar the build tests with; a database whose driver is there works without the others.
 */
class MissingDriverTest {

    private static final Pattern POSTGRES_JAR = Pattern.compile("postgresql-(\\d[\\w.-]*)\\.jar");
    private static final Pattern SQLITE_JAR = Pattern.compile("sqlite-jdbc-(\\d[\\w.-]*)\\.jar");
    private static final Pattern H2_JAR = Pattern.compile("h2-(\\d[\\w.-]*)\\.jar");

    private static final String PG_URL = "jdbc:postgresql://127.0.0.1:1/vigil?user=vigil&password=hunter2";

    @Test
    void postgresqlUrl_modulePathWithoutItsDriver_failsAtOpenNamingTheArtifactAndVersion() throws Exception {
        Result run = Child.onModulePath(Set.of(POSTGRES_JAR)).run(PG_URL);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.output()).contains("error dev.vigil.spi.StoreException: cannot open the store "
                        + "jdbc:postgresql://127.0.0.1:1/vigil?user=vigil&password=***: the PostgreSQL JDBC driver is "
                        + "not on the class path or module path")
                .contains("add the dependency org.postgresql:postgresql:" + version(POSTGRES_JAR) + " ")
                .contains("the module org.postgresql.jdbc")
                .doesNotContain("hunter2").doesNotContain("No suitable driver");
    }

    @Test
    void postgresqlUrl_classPathWithoutItsDriver_failsAtOpenNamingTheArtifactAndVersion() throws Exception {
        Result run = Child.onClassPath(Set.of(POSTGRES_JAR)).run(PG_URL);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.output()).contains("the PostgreSQL JDBC driver is not on the class path or module path")
                .contains("add the dependency org.postgresql:postgresql:" + version(POSTGRES_JAR) + " ")
                .doesNotContain("hunter2");
    }

    @Test
    void sqliteUrl_modulePathWithoutItsDriver_failsAtOpenNamingTheArtifactAndVersion() throws Exception {
        Path db = TestDatabases.tempDir("nodriver").resolve("vigil.db");
        Result run = Child.onModulePath(Set.of(SQLITE_JAR)).run("jdbc:sqlite:" + db);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.output()).contains("error dev.vigil.spi.StoreException: cannot open the store jdbc:sqlite:" + db
                        + ": the SQLite JDBC driver is not on the class path or module path")
                .contains("add the dependency org.xerial:sqlite-jdbc:" + version(SQLITE_JAR) + " ")
                .contains("the module org.xerial.sqlitejdbc");
        assertThat(db).as("nothing was created before the driver check").doesNotExist();
    }

    @Test
    void h2Url_modulePathWithOnlyTheH2Driver_opensWritesAndReadsBack() throws Exception {
        Path dir = TestDatabases.tempDir("h2only");
        Result run = Child.onModulePath(Set.of(POSTGRES_JAR, SQLITE_JAR)).run("jdbc:h2:file:" + dir + "/vigil");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.output()).contains("read tr-driver");
    }

    @Test
    void everyDialect_namesTheDriverVersionThisBuildTestsWith() {
        Map<Dialect, Pattern> jars = Map.of(Dialect.H2, H2_JAR, Dialect.POSTGRESQL, POSTGRES_JAR,
                Dialect.SQLITE, SQLITE_JAR);
        for (Dialect d : Dialect.values()) {
            assertThat(JdbcDrivers.coordinates(d)).isEqualTo(d.driverArtifact() + ":" + version(jars.get(d)));
        }
    }

    /** @return the version in the file name of the driver jar on this test's own path */
    private static String version(Pattern jar) {
        for (String entry : ownPath()) {
            Matcher m = jar.matcher(Path.of(entry).getFileName().toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no jar matching " + jar + " on the test's path " + ownPath());
    }

    private static List<String> ownPath() {
        List<String> all = new ArrayList<>();
        for (String prop : List.of("jdk.module.path", "java.class.path")) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank()) {
                all.addAll(List.of(v.split(File.pathSeparator)));
            }
        }
        return all;
    }

    /** A child JVM running {@link OpenStoreMain} on this test's own path less some jars. */
    private record Child(List<String> launch) {

        /**
         * The store and its dependencies as modules (the path Surefire gave this test, where this module requires
         * the drivers static), the test classes patched into the store's module, and no class path.
         */
        static Child onModulePath(Set<Pattern> without) {
            Set<String> modulePath = new LinkedHashSet<>(withoutJars(System.getProperty("jdk.module.path"), without));
            // a driver Surefire put on the class path goes on the module path, where this test means to have it
            for (String entry : withoutJars(System.getProperty("java.class.path"), without)) {
                String name = Path.of(entry).getFileName().toString();
                if (H2_JAR.matcher(name).matches() || SQLITE_JAR.matcher(name).matches()
                        || POSTGRES_JAR.matcher(name).matches()) {
                    modulePath.add(entry);
                }
            }
            return new Child(List.of("-p", String.join(File.pathSeparator, modulePath),
                    "--patch-module", "dev.vigil.storage.jdbc=" + testClasses(),
                    "-m", "dev.vigil.storage.jdbc/" + OpenStoreMain.class.getName()));
        }

        /** Everything on the class path, as an application without modules has it. */
        static Child onClassPath(Set<Pattern> without) {
            List<String> cp = new ArrayList<>();
            cp.add(testClasses());
            cp.addAll(withoutJars(System.getProperty("jdk.module.path"), without));
            cp.addAll(withoutJars(System.getProperty("java.class.path"), without));
            return new Child(List.of("-cp", String.join(File.pathSeparator, cp), OpenStoreMain.class.getName()));
        }

        Result run(String url) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "--enable-native-access=ALL-UNNAMED"));
            cmd.addAll(launch);
            cmd.add(url);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("child exited; output " + output).isTrue();
            return new Result(p.exitValue(), output, cmd);
        }

        private static String testClasses() {
            return Path.of("target", "test-classes").toAbsolutePath().toString();
        }

        private static List<String> withoutJars(String path, Set<Pattern> without) {
            List<String> kept = new ArrayList<>();
            if (path == null || path.isBlank()) {
                return kept;
            }
            for (String entry : path.split(File.pathSeparator)) {
                String name = Path.of(entry).getFileName().toString();
                if (without.stream().noneMatch(p -> p.matcher(name).matches())) {
                    kept.add(entry);
                }
            }
            return kept;
        }
    }

    private record Result(int exitCode, String output, List<String> command) {
        String describe() {
            return "output:\n" + output + "\ncommand: " + command;
        }
    }
}
