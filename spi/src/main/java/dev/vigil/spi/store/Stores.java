package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Opens a store from a URI with the {@link StoreProvider} registered for its scheme. */
public final class Stores {

    /** Which artifact provides each scheme this project ships, for the error when one is missing. */
    private static final Map<String, String> KNOWN_SCHEMES = Map.of(
            "memory", "dev.vigil:vigil-core",
            "jdbc", "dev.vigil:vigil-storage-jdbc",
            "fs", "dev.vigil:vigil-storage-fs");

    private Stores() {}

    /**
     * @param uri e.g. {@code memory:}, {@code jdbc:h2:file:./vigil-data/vigil}, {@code fs:/var/lib/vigil}
     * @return the open store, with default options
     */
    public static Store open(String uri) {
        return open(uri, StoreOptions.defaults());
    }

    /**
     * @param uri the store URI
     * @param options clock and backend settings
     * @return the open store
     * @throws InvalidInputException for a URI without a scheme, or a scheme no provider on the path serves (the
     *     message lists the schemes available and the artifact that adds the missing one)
     */
    public static Store open(String uri, StoreOptions options) {
        String scheme = schemeOf(uri);
        List<StoreProvider> providers = providers();
        for (StoreProvider p : providers) {
            if (p.scheme().equalsIgnoreCase(scheme)) {
                return p.open(uri, options);
            }
        }
        TreeSet<String> available = new TreeSet<>();
        providers.forEach(p -> available.add(p.scheme() + ":"));
        String artifact = KNOWN_SCHEMES.get(scheme.toLowerCase(java.util.Locale.ROOT));
        throw new InvalidInputException("no store for scheme '" + scheme + ":' in '" + dev.vigil.spi.Secrets.mask(uri) + "'. Available: "
                + (available.isEmpty() ? "none" : String.join(", ", available))
                + (artifact == null ? ". Schemes Vigil ships: memory: (" + KNOWN_SCHEMES.get("memory") + "), jdbc: ("
                        + KNOWN_SCHEMES.get("jdbc") + "), fs: (" + KNOWN_SCHEMES.get("fs") + ")"
                        : ". Add the artifact " + artifact + " to the class or module path for '" + scheme + ":'"));
    }

    /** @return the schemes of every provider found */
    public static List<String> availableSchemes() {
        List<String> out = new ArrayList<>();
        providers().forEach(p -> out.add(p.scheme()));
        return out;
    }

    private static List<StoreProvider> providers() {
        List<StoreProvider> list = new ArrayList<>();
        ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader()).forEach(list::add);
        if (list.isEmpty()) {
            ServiceLoader.load(StoreProvider.class).forEach(list::add);
        }
        return list;
    }

    private static String schemeOf(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidInputException("a store URI is required, e.g. memory:, jdbc:h2:file:./vigil-data/vigil, fs:/path");
        }
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new InvalidInputException("store URI '" + dev.vigil.spi.Secrets.mask(uri) + "' has no scheme; use memory:, jdbc:... or fs:/path");
        }
        return uri.substring(0, colon);
    }
}
