package dev.vigil.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real-world inputs kept in {@code ../shared/fixtures/} (MLflow traces, OTLP spans, OpenAI and Anthropic
 * bodies). Found from the working directory upwards, or from the {@code vigil.fixtures} system property.
 */
public final class Fixtures {
    private Fixtures() {}

    /** @return the fixtures directory */
    public static Path root() {
        String prop = System.getProperty("vigil.fixtures");
        if (prop != null) {
            return Path.of(prop);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            for (Path candidate : new Path[] {d.resolve("shared/fixtures"), d.resolve("../shared/fixtures")}) {
                if (Files.isDirectory(candidate)) {
                    return candidate.normalize();
                }
            }
        }
        throw new IllegalStateException("cannot find shared/fixtures above " + dir
                + "; set -Dvigil.fixtures=/path/to/shared/fixtures");
    }

    /** @param relative e.g. {@code mlflow-traces/v3_databricks_agent_predict_ok_trace.json} @return the file */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("no fixture " + p);
        }
        return p;
    }

    /** @param relative a path under the fixtures directory @return the file's text (UTF-8) */
    public static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
