package dev.vigil.spi.store;

/**
 * Opens stores of one URI scheme. Found by {@link java.util.ServiceLoader} (declare it with {@code provides
 * dev.vigil.spi.store.StoreProvider with ...} in {@code module-info.java} and in
 * {@code META-INF/services} for the class path).
 */
public interface StoreProvider {

    /** @return the URI scheme this provider opens, e.g. {@code memory}, {@code jdbc}, {@code fs} */
    String scheme();

    /**
     * @param uri the full URI, e.g. {@code jdbc:h2:file:./vigil-data/vigil}
     * @param options clock and backend settings
     * @return the open store
     * @throws dev.vigil.spi.InvalidInputException if the URI is malformed for this scheme
     * @throws dev.vigil.spi.StoreException if the store cannot be opened (message names the URI, password masked)
     */
    Store open(String uri, StoreOptions options);
}
