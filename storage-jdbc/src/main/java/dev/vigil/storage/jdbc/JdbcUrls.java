package dev.vigil.storage.jdbc;

import dev.vigil.spi.Secrets;

/** JDBC URLs as they may be shown: with any password masked, by the one masking function {@link Secrets}. */
final class JdbcUrls {

    private JdbcUrls() {}

    /**
     * @param url a JDBC URL or a driver's message, or null
     * @return the text with every password replaced by {@code ***}
     */
    static String mask(String url) {
        return Secrets.mask(url);
    }
}
