package dev.vigil.core.store.memory;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.StoreProvider;
import java.util.Objects;

/**
 * Opens in-memory stores for the URI {@code memory:} (optionally {@code memory:<name>}, the name only shows in
 * {@link Store#describe()}). Each call opens a new, empty store. Scan filters are evaluated with
 * {@link TraceFilter}. Found by {@link java.util.ServiceLoader}.
 */
public final class MemoryStoreProvider implements StoreProvider {

    /** The scheme this provider opens. */
    public static final String SCHEME = "memory";

    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public MemoryStoreProvider() {}

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Store open(String uri, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        if (uri == null || !uri.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1)) {
            throw new InvalidInputException("not a memory store URI: '" + uri + "'; use memory: or memory:<name>");
        }
        return new MemoryStore(uri, options.clock(), TraceFilter::of);
    }
}
