package dev.vigil.storage.jdbc;

import dev.vigil.spi.store.StoreLock;
import java.nio.file.Path;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.store.AssessmentStore;
import dev.vigil.spi.store.ExperimentStore;
import dev.vigil.spi.store.JobStore;
import dev.vigil.spi.store.MonitorStore;
import dev.vigil.spi.store.RetryQueue;
import dev.vigil.spi.store.Coordination;
import dev.vigil.spi.store.ScorerStore;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.TraceStore;
import java.util.Locale;
import java.util.Objects;

/**
 * The JDBC store: every part of the storage SPI on one SQL database (H2, PostgreSQL or SQLite), pooled by HikariCP,
 * with its schema created and upgraded by Flyway migrations.
 *
 * <p>Several engine processes may share one database (PostgreSQL, or H2 in server mode): trace sequences are
 * allocated in commit order, writes are atomic per batch, and {@link #jobs()} leases with fencing tokens divide
 * the work between them.
 *
 * <p>Options ({@link StoreOptions#properties()}): {@code user}, {@code password}, {@code pool.size} (default 8),
 * {@code pool.timeoutMs} (how long to wait for a connection, default 30000).
 */
public final class JdbcStore implements Store {

    /** Default number of pooled connections. */
    public static final int DEFAULT_POOL_SIZE = 8;
    /** Default wait for a pooled connection, in milliseconds. */
    public static final long DEFAULT_POOL_TIMEOUT_MS = 30_000;

    private final Database db;
    private final JdbcExperimentStore experiments;
    private final JdbcTraceStore traces;
    private final JdbcAssessmentStore assessments;
    private final JdbcScorerStore scorers;
    private final JdbcJobStore jobs;
    private final JdbcMonitorStore monitors;
    private final JdbcRetryQueue retries;
    private final JdbcCoordination coordination;
    private final JdbcBudgetStore budgets;
    private final JdbcRollupStore rollups;
    private final JdbcOutbox outbox;

    private final StoreLock lock;

    private JdbcStore(Database db, StoreLock lock) {
        this.db = db;
        this.lock = lock;
        this.experiments = new JdbcExperimentStore(db);
        this.assessments = new JdbcAssessmentStore(db);
        this.traces = new JdbcTraceStore(db, assessments);
        this.scorers = new JdbcScorerStore(db);
        this.jobs = new JdbcJobStore(db);
        this.monitors = new JdbcMonitorStore(db);
        this.retries = new JdbcRetryQueue(db);
        this.coordination = new JdbcCoordination(db);
        this.budgets = new JdbcBudgetStore(db);
        this.rollups = new JdbcRollupStore(db);
        this.outbox = new JdbcOutbox(db);
    }

    /**
     * Opens (and creates or upgrades the schema of) the database at a JDBC URL.
     *
     * @param uri a {@code jdbc:h2:}, {@code jdbc:postgresql:} or {@code jdbc:sqlite:} URL
     * @param options clock and settings
     * @return the open store
     * @throws InvalidInputException for an unsupported URL or a bad option
     * @throws StoreException if the URL's JDBC driver is not on the class or module path (the message names the Maven
     *         coordinates to add), the database cannot be reached or its schema is newer than this code
     */
    public static JdbcStore open(String uri, StoreOptions options) {
        Objects.requireNonNull(options, "options");
        Dialect dialect = Dialect.of(uri);
        String masked = JdbcUrls.mask(uri);
        String url = JdbcUrlPolicy.check(dialect, uri);
        if (dialect == Dialect.SQLITE && uri.contains(":memory:") && !uri.contains("cache=shared")) {
            throw new InvalidInputException("'" + masked + "' gives every pooled connection a database of its own; "
                    + "use a file (jdbc:sqlite:vigil.db), a shared in-memory database "
                    + "(jdbc:sqlite:file:vigil?mode=memory&cache=shared) or the memory: store");
        }
        JdbcDrivers.require(dialect, url, masked);
        int poolSize = intOption(options, "pool.size", DEFAULT_POOL_SIZE, 1, 1000);
        long timeoutMs = intOption(options, "pool.timeoutMs", (int) DEFAULT_POOL_TIMEOUT_MS, 250, Integer.MAX_VALUE);

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("vigil-" + dialect.name().toLowerCase(Locale.ROOT));
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setConnectionTimeout(timeoutMs);
        config.setInitializationFailTimeout(timeoutMs);
        String user = options.properties().get("user");
        if (user != null) {
            config.setUsername(user);
        }
        String password = options.properties().get("password");
        if (password != null) {
            config.setPassword(password);
        }
        if (dialect == Dialect.SQLITE) {
            // one writer at a time: writers queue on the lock instead of failing, readers never block (WAL)
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", String.valueOf(timeoutMs));
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            config.addDataSourceProperty("synchronous", "NORMAL");
        }
        StoreLock lock = JdbcUrlPolicy.singleProcessFile(dialect, uri)
                .map(f -> StoreLock.acquire(Path.of(f + StoreLock.SUFFIX), f.toString()))
                .orElse(null);
        java.util.List<String> secrets = new java.util.ArrayList<>(dev.vigil.spi.Secrets.fromEnvironment());
        if (password != null) {
            secrets.add(password);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            closeQuietly(lock);
            Throwable cause = rootCause(e);
            // one line, and a short cause chain: the driver's root cause alone, not Hikari's wrappers
            throw new StoreException("cannot open the store " + masked + ": the database is not reachable ("
                    + firstLine(dev.vigil.spi.Secrets.mask(cause.getMessage(), secrets)) + ")", shortCause(cause, secrets));
        } catch (RuntimeException e) {
            closeQuietly(lock);
            Throwable cause = rootCause(e);
            throw new StoreException("cannot open the store " + masked + ": "
                    + firstLine(dev.vigil.spi.Secrets.mask(cause.getMessage(), secrets)), shortCause(cause, secrets));
        }
        // Flyway needs two connections at once; it gets a small pool of its own so that pool.size 1 works
        HikariConfig migrationConfig = new HikariConfig();
        config.copyStateTo(migrationConfig);
        migrationConfig.setPoolName(config.getPoolName() + "-migrate");
        migrationConfig.setMaximumPoolSize(2);
        migrationConfig.setMinimumIdle(0);
        try (HikariDataSource migrationPool = new HikariDataSource(migrationConfig)) {
            SchemaMigrations.migrate(migrationPool, dialect, masked);
        } catch (RuntimeException e) {
            pool.close();
            closeQuietly(lock);
            throw e instanceof StoreException ? e
                    : new StoreException("cannot open the store " + masked + ": " + JdbcUrls.mask(e.getMessage()), e);
        }
        return new JdbcStore(new Database(pool, dialect, masked, options.clock()), lock);
    }

    private static void closeQuietly(StoreLock lock) {
        if (lock != null) {
            lock.close();
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** @return the cause as one exception with the driver's first message line and no further cause */
    private static Throwable shortCause(Throwable cause, java.util.List<String> secrets) {
        StoreException s = new StoreException(cause.getClass().getSimpleName() + ": "
                + firstLine(dev.vigil.spi.Secrets.mask(cause.getMessage(), secrets)));
        s.setStackTrace(cause.getStackTrace().length > 8
                ? java.util.Arrays.copyOf(cause.getStackTrace(), 8) : cause.getStackTrace());
        return s;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    @Override
    public long skippedRows() {
        return db.skipped().count();
    }

    private static int intOption(StoreOptions options, String key, int defaultValue, int min, int max) {
        String raw = options.properties().get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < min || v > max) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("store option " + key + " must be an integer in [" + min + ", " + max
                    + "], got '" + raw + "'");
        }
    }

    /** @return the database this store runs on */
    public Dialect dialect() {
        return db.dialect();
    }

    @Override
    public ExperimentStore experiments() {
        return experiments;
    }

    @Override
    public TraceStore traces() {
        return traces;
    }

    @Override
    public AssessmentStore assessments() {
        return assessments;
    }

    @Override
    public ScorerStore scorers() {
        return scorers;
    }

    @Override
    public RetryQueue retries() {
        return retries;
    }

    @Override
    public Coordination coordination() {
        return coordination;
    }

    @Override
    public MonitorStore monitors() {
        return monitors;
    }

    @Override
    public dev.vigil.spi.store.BudgetStore budgets() {
        return budgets;
    }

    @Override
    public dev.vigil.spi.store.RollupStore rollups() {
        return rollups;
    }

    @Override
    public dev.vigil.spi.store.NotificationOutbox outbox() {
        return outbox;
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    /**
     * Leases for sharing work between engine instances on this database, with the extra operation of taking any
     * free one of many resources at once.
     *
     * @return the lease operations
     */
    public JdbcLeases leases() {
        return jobs.leases();
    }

    @Override
    public String describe() {
        return db.maskedUrl();
    }

    @Override
    public void close() {
        try {
            db.close();
        } finally {
            closeQuietly(lock);
        }
    }

    @Override
    public String toString() {
        return "JdbcStore[" + db.maskedUrl() + "]";
    }
}
