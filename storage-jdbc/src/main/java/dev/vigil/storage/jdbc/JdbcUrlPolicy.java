package dev.vigil.storage.jdbc;

import dev.vigil.spi.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Store URLs are checked before any driver sees them, so that an application taking a store URL from its
 * configuration cannot be made to run code or write files through it:
 * <ul>
 *   <li>H2: only the settings in {@link #H2_ALLOWED} ({@code INIT}, {@code RUNSCRIPT}, {@code TRACE_LEVEL_FILE},
 *       {@code TRACE_LEVEL_SYSTEM_OUT}, {@code AUTO_SERVER}, {@code FILE_LOCK}, {@code IFEXISTS=FALSE}... are
 *       refused); Vigil adds {@code DB_CLOSE_ON_EXIT=FALSE} to embedded databases and closes them itself;</li>
 *   <li>PostgreSQL: the pgjdbc properties that load a class or write a file ({@link #POSTGRES_REFUSED}) are
 *       refused;</li>
 *   <li>SQLite: extension loading is refused.</li>
 * </ul>
 */
final class JdbcUrlPolicy {

    /** The H2 URL settings a Vigil store accepts. */
    static final Set<String> H2_ALLOWED = new TreeSet<>(Set.of("MODE", "DB_CLOSE_DELAY", "DB_CLOSE_ON_EXIT",
            "USER", "PASSWORD", "IFEXISTS", "CACHE_SIZE", "LOCK_TIMEOUT", "MAX_COMPACT_TIME", "DATABASE_TO_UPPER",
            "DATABASE_TO_LOWER", "CASE_INSENSITIVE_IDENTIFIERS", "WRITE_DELAY", "ACCESS_MODE_DATA",
            "DEFAULT_NULL_ORDERING", "NON_KEYWORDS", "LOCK_MODE", "MV_STORE", "COMPRESS", "PAGE_SIZE",
            "RETENTION_TIME", "QUERY_TIMEOUT"));

    /** The pgjdbc properties refused: they load classes, call code or write files. */
    static final Set<String> POSTGRES_REFUSED = new TreeSet<>(Set.of("socketfactory", "socketfactoryarg",
            "sslfactory", "sslfactoryarg", "sslhostnameverifier", "sslpasswordcallback",
            "authenticationpluginclassname", "loggerfile", "loggerlevel", "sspiserviceclass", "jaasapplicationname",
            "kerberosservername"));

    /** The SQLite (xerial) properties refused. */
    static final Set<String> SQLITE_REFUSED = Set.of("enable_load_extension", "load_extension");

    private JdbcUrlPolicy() {}

    /**
     * @param dialect the URL's database
     * @param url the URL as given
     * @return the URL to connect with (for embedded H2, with {@code DB_CLOSE_ON_EXIT=FALSE})
     * @throws InvalidInputException for a refused setting, naming it and listing what is allowed
     */
    static String check(Dialect dialect, String url) {
        return switch (dialect) {
            case H2 -> checkH2(url);
            case POSTGRESQL -> {
                for (String key : queryKeys(url)) {
                    if (POSTGRES_REFUSED.contains(key.toLowerCase(Locale.ROOT))) {
                        throw new InvalidInputException("the store URL sets the PostgreSQL driver property '" + key
                                + "', which loads code or writes files; Vigil refuses " + POSTGRES_REFUSED
                                + " (case-insensitive); every other pgjdbc property is allowed");
                    }
                }
                yield url;
            }
            case SQLITE -> {
                for (String key : queryKeys(url)) {
                    if (SQLITE_REFUSED.contains(key.toLowerCase(Locale.ROOT))) {
                        throw new InvalidInputException("the store URL sets the SQLite property '" + key
                                + "'; loading SQLite extensions is refused (" + SQLITE_REFUSED + ")");
                    }
                }
                yield url;
            }
        };
    }

    private static String checkH2(String url) {
        String[] parts = url.split(";", -1);
        List<String> kept = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim().toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1).trim();
            if (!H2_ALLOWED.contains(key) || key.isEmpty()) {
                throw new InvalidInputException("the store URL sets the H2 setting '" + shown(key)
                        + "', which Vigil refuses (H2 settings such as INIT, RUNSCRIPT, TRACE_LEVEL_FILE, "
                        + "TRACE_LEVEL_SYSTEM_OUT, AUTO_SERVER and FILE_LOCK run code, write files or open ports); "
                        + "allowed: " + String.join(", ", H2_ALLOWED));
            }
            if (key.equals("IFEXISTS") && !value.equalsIgnoreCase("TRUE")) {
                throw new InvalidInputException("the store URL sets IFEXISTS=" + shown(value)
                        + ", which Vigil refuses; only IFEXISTS=TRUE is allowed");
            }
            if (key.equals("DB_CLOSE_ON_EXIT")) {
                continue; // Vigil closes the database itself, see below
            }
            kept.add(key + "=" + value);
        }
        StringBuilder out = new StringBuilder(parts[0]);
        kept.forEach(k -> out.append(';').append(k));
        if (isEmbeddedH2(parts[0])) {
            // no H2 shutdown hook racing Vigil's own ordered close (drain, save cursors, release leases)
            out.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        return out.toString();
    }

    private static String shown(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static boolean isEmbeddedH2(String base) {
        String rest = base.substring("jdbc:h2:".length()).toLowerCase(Locale.ROOT);
        return !rest.startsWith("tcp:") && !rest.startsWith("ssl:");
    }

    /**
     * @param url a JDBC URL
     * @return the file of an embedded single-process database (H2 file, SQLite file), if it is one
     */
    static Optional<Path> singleProcessFile(Dialect dialect, String url) {
        if (dialect == Dialect.H2) {
            String rest = url.split(";", 2)[0].substring("jdbc:h2:".length());
            String lower = rest.toLowerCase(Locale.ROOT);
            if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:")
                    || lower.startsWith("zip:")) {
                return Optional.empty();
            }
            if (lower.startsWith("file:")) {
                rest = rest.substring("file:".length());
            } else if (lower.startsWith("nio:") || lower.startsWith("split:")) {
                rest = rest.substring(rest.indexOf(':') + 1);
            }
            if (rest.startsWith("~")) {
                rest = System.getProperty("user.home") + rest.substring(1);
            }
            return rest.isBlank() ? Optional.empty() : Optional.of(Path.of(rest));
        }
        if (dialect == Dialect.SQLITE) {
            String rest = url.substring("jdbc:sqlite:".length());
            int q = rest.indexOf('?');
            String path = q < 0 ? rest : rest.substring(0, q);
            if (path.isBlank() || path.contains(":memory:") || url.contains("mode=memory")) {
                return Optional.empty();
            }
            if (path.startsWith("file:")) {
                path = path.substring("file:".length());
            }
            return Optional.of(Path.of(path));
        }
        return Optional.empty();
    }

    private static List<String> queryKeys(String url) {
        List<String> keys = new ArrayList<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return keys;
        }
        for (String p : url.substring(q + 1).split("&")) {
            int eq = p.indexOf('=');
            keys.add(java.net.URLDecoder.decode(eq < 0 ? p : p.substring(0, eq),
                    java.nio.charset.StandardCharsets.UTF_8).trim());
        }
        return keys;
    }
}
