package dev.vigil.spi.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the real-world fixtures spi's tests need from this module's test resources
 * ({@code src/test/resources/dev/vigil/spi/json/fixtures/}, copies of files kept in vigil-testkit, where their README
 * names each file's source and licence). vigil-testkit has the full set, but spi cannot depend on it.
 */
final class FixtureFiles {
    private FixtureFiles() {}

    static String read(String relative) {
        try (InputStream in = FixtureFiles.class.getResourceAsStream("fixtures/" + relative)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + relative
                        + " in spi's test resources (dev/vigil/spi/json/fixtures/)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
