package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.store.Lease;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaAndLeasesTest {

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void databaseAtANewerSchema_isRefusedUnchanged(Dialect dialect) throws Exception {
        String url = TestDatabases.newUrl(dialect);
        JdbcStore.open(url, StoreOptions.defaults()).close();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // what a much newer Vigil would have recorded after its migration 99
            s.executeUpdate("INSERT INTO \"vigil_schema_history\" (\"installed_rank\", \"version\", "
                    + "\"description\", \"type\", \"script\", \"checksum\", \"installed_by\", "
                    + "\"execution_time\", \"success\") VALUES (100, '99', 'from the future', 'SQL', "
                    + "'V99__from_the_future.sql', 0, 'vigil', 1, " + (dialect == Dialect.SQLITE ? "1" : "TRUE") + ")");
        }

        assertThatThrownBy(() -> JdbcStore.open(url, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining("newer than version " + SchemaMigrations.CURRENT)
                .hasMessageContaining("upgrade Vigil");
    }

    @Test
    void unsupportedUrls_areRejectedWithTheSupportedForms() {
        assertThatThrownBy(() -> Stores.open("jdbc:mysql://h/db?password=pw"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("jdbc:h2:file:./vigil-data/vigil")
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageContaining("jdbc:sqlite:")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> Stores.open("jdbc:sqlite::memory:"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cache=shared");
    }

    @Test
    void defaultUri_opensAnH2FileStore_throughTheStoresRegistry() throws Exception {
        Path dir = TestDatabases.tempDir("default");
        String uri = JdbcStoreProvider.DEFAULT_URI.replace("./", dir.toString() + "/");
        try (Store store = Stores.open(uri)) {
            store.experiments().getOrCreate("e");
            assertThat(store).isInstanceOf(JdbcStore.class);
            assertThat(((JdbcStore) store).dialect()).isEqualTo(Dialect.H2);
        }
        assertThat(Files.exists(dir.resolve("vigil-data/vigil.mv.db"))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void acquireAny_givesEachResourceToOneOwner_andAnExpiredOneToTheNextWithAGreaterToken(Dialect dialect) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (JdbcStore store = TestDatabases.open(dialect, clock)) {
            List<String> parts = List.of("p0", "p1", "p2");
            Set<String> taken = new HashSet<>();
            Lease first = null;
            for (String owner : List.of("a", "b", "c")) {
                Lease l = store.leases().acquireAny(parts, owner, Duration.ofSeconds(10)).orElseThrow();
                taken.add(l.resource());
                if (first == null) {
                    first = l;
                }
            }
            assertThat(taken).containsExactlyInAnyOrderElementsOf(parts);
            assertThat(store.leases().acquireAny(parts, "d", Duration.ofSeconds(10))).isEmpty();

            clock.advance(Duration.ofSeconds(5));
            for (String p : parts) {
                if (!p.equals(first.resource())) {
                    String owner = store.jobs().tryAcquire(p, "probe", Duration.ofSeconds(1)).map(Lease::owner)
                            .orElse("held");
                    assertThat(owner).isEqualTo("held");
                }
            }
            store.jobs().renew(store.jobs().tryAcquire(first.resource(), first.owner(), Duration.ofSeconds(1))
                    .orElseThrow(), Duration.ofSeconds(1)).orElseThrow();
            clock.advance(Duration.ofSeconds(2)); // the first lease lapsed, the others have 3 s left

            Optional<Lease> takenOver = store.leases().acquireAny(parts, "d", Duration.ofSeconds(10));

            assertThat(takenOver).isPresent();
            assertThat(takenOver.get().resource()).isEqualTo(first.resource());
            assertThat(takenOver.get().token()).isGreaterThan(first.token());
            assertThat(store.jobs().renew(first, Duration.ofSeconds(10))).as("the old holder lost it").isEmpty();
            assertThat(store.leases().isCurrent(first.resource(), first.token())).isFalse();
            assertThat(store.leases().isCurrent(first.resource(), takenOver.get().token())).isTrue();
        }
    }

}
