/**
 * Vigil's engine: scorer registry and lifecycle, sampling, the filter language, monitoring, backfill,
 * aggregations, and the in-memory store.
 */
module dev.vigil.core {
    requires transitive dev.vigil.spi;
    requires com.google.common;
    requires com.github.benmanes.caffeine;
    requires org.slf4j;

    exports dev.vigil.core;

    provides dev.vigil.spi.store.StoreProvider with dev.vigil.core.store.memory.MemoryStoreProvider;
}
