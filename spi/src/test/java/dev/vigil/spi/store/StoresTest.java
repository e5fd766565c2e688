package dev.vigil.spi.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import org.junit.jupiter.api.Test;

/** spi alone has no store provider on its path: every scheme is missing, and the error says where to get it. */
class StoresTest {

    @Test
    void open_unknownScheme_listsAvailableAndShippedSchemesWithArtifacts() {
        assertThatThrownBy(() -> Stores.open("nope:x")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'nope:'").hasMessageContaining("Available: none")
                .hasMessageContaining("memory: (dev.vigil:vigil-core)")
                .hasMessageContaining("jdbc: (dev.vigil:vigil-storage-jdbc)")
                .hasMessageContaining("fs: (dev.vigil:vigil-storage-fs)");
    }

    @Test
    void open_knownSchemeWithoutItsModule_namesTheArtifact() {
        assertThatThrownBy(() -> Stores.open("fs:/var/lib/vigil")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dev.vigil:vigil-storage-fs");
        assertThatThrownBy(() -> Stores.open("jdbc:h2:mem:x")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dev.vigil:vigil-storage-jdbc");
    }

    @Test
    void open_uriWithoutScheme_rejected() {
        assertThatThrownBy(() -> Stores.open("/tmp/vigil")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no scheme");
        assertThatThrownBy(() -> Stores.open(" ")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("required");
    }
}
