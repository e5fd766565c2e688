package dev.vigil.spi.json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the shared real-world fixtures ({@code shared/fixtures}, found from the working directory upwards, or
 * the {@code vigil.fixtures} system property). vigil-testkit has the same lookup, but spi cannot depend on it.
 */
final class FixtureFiles {
    private FixtureFiles() {}

    static String read(String relative) {
        String prop = System.getProperty("vigil.fixtures");
        Path root = prop != null ? Path.of(prop) : null;
        for (Path d = Path.of("").toAbsolutePath(); root == null && d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("shared/fixtures"))) {
                root = d.resolve("shared/fixtures");
            }
        }
        if (root == null) {
            throw new IllegalStateException("cannot find shared/fixtures above " + Path.of("").toAbsolutePath()
                    + "; set -Dvigil.fixtures=/path/to/shared/fixtures");
        }
        try {
            return Files.readString(root.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
