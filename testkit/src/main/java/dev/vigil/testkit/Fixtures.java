package dev.vigil.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real-world inputs shipped in this module's resources under {@code dev/vigil/testkit/fixtures/} (MLflow
 * traces, OTLP spans, OpenAI and Anthropic bodies; their sources and licences are in the README beside them).
 * {@link #read} streams a resource; {@link #path} and {@link #root} give files on disk: the resource directory
 * itself when the testkit runs from its build output, otherwise (from a jar) a copy extracted once per JVM into a
 * temporary directory that is deleted at exit.
 */
public final class Fixtures {
    private static final String BASE = "/dev/vigil/testkit/fixtures/";
    private static volatile Path root;

    private Fixtures() {}

    /** @return the fixtures directory on disk (extracted from the testkit jar on first use) */
    public static Path root() {
        Path r = root;
        if (r == null) {
            synchronized (Fixtures.class) {
                r = root;
                if (r == null) {
                    r = locate();
                    root = r;
                }
            }
        }
        return r;
    }

    /** @param relative e.g. {@code mlflow-traces/v3_databricks_agent_predict_ok_trace.json} @return the file */
    public static Path path(String relative) {
        Path p = root().resolve(relative).normalize();
        if (!p.startsWith(root()) || !Files.isRegularFile(p)) {
            throw new IllegalStateException("no fixture " + relative + " under " + root());
        }
        return p;
    }

    /** @param relative a path under the fixtures directory @return the file's text (UTF-8) */
    public static String read(String relative) {
        try (InputStream in = Fixtures.class.getResourceAsStream(BASE + relative)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + relative + " in vigil-testkit's resources ("
                        + BASE + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() {
        URL readme = Fixtures.class.getResource(BASE + "README.md");
        if (readme == null) {
            throw new IllegalStateException("vigil-testkit's fixtures (" + BASE + ") are missing from its resources");
        }
        try {
            URI uri = readme.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent();
            }
            return extract(uri);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot read fixtures from " + readme, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract fixtures from " + readme, e);
        }
    }

    /** Copies the fixtures tree out of a jar ({@code jar:file:...!/dev/vigil/testkit/fixtures/README.md}). */
    private static Path extract(URI readme) throws IOException {
        Path target = Files.createTempDirectory("vigil-fixtures");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(target), "vigil-fixtures-cleanup"));
        FileSystem jar;
        boolean close;
        try {
            jar = FileSystems.newFileSystem(readme, Map.of());
            close = true;
        } catch (java.nio.file.FileSystemAlreadyExistsException e) {
            jar = FileSystems.getFileSystem(readme);
            close = false;
        }
        try {
            Path source = jar.provider().getPath(readme).getParent();
            List<Path> all;
            try (Stream<Path> walk = Files.walk(source)) {
                all = walk.toList();
            }
            for (Path p : all) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        } finally {
            if (close) {
                jar.close();
            }
        }
        return target;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit: the directory is in the system's temporary folder
        }
    }
}
