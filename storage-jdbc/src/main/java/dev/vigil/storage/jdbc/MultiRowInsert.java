package dev.vigil.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * Inserts rows into one table with multi-row {@code INSERT ... VALUES (..), (..), ...} statements: rows are
 * buffered, every full group of {@link #rowsPerStatement()} rows is added to one JDBC batch of a single prepared
 * statement, and {@link #finish()} sends that batch (one round trip on PostgreSQL, which pipelines a batch) and
 * the remainder as one shorter statement. Every dialect parses and plans one statement per group instead of one
 * per row, which is what made the trace insert several times slower than the raw lower bound.
 *
 * <p>Values are {@link String}, {@link Long}, {@link Integer} or {@code null} typed by {@link #nullOf(int)}; the
 * row's values are bound in column order.
 */
final class MultiRowInsert implements AutoCloseable {

    /** SQLite's default bound on the parameters of one statement (older builds: 999); PostgreSQL's is 32767. */
    private static final int MAX_PARAMETERS = 999;
    /** Rows per statement at most: past this, longer statements stop paying off. */
    private static final int MAX_ROWS = 64;

    /** A typed SQL NULL (drivers differ in how an untyped null is bound). */
    record SqlNull(int sqlType) {}

    private static final SqlNull NULL_BIGINT = new SqlNull(Types.BIGINT);
    private static final SqlNull NULL_VARCHAR = new SqlNull(Types.VARCHAR);

    private final Connection connection;
    private final String prefix;
    private final String rowPlaceholders;
    private final int columns;
    private final int rowsPerStatement;
    private final Object[] buffer;
    private int buffered;
    private int fullGroups;
    private PreparedStatement full;

    /**
     * @param connection the connection, inside the caller's transaction
     * @param table the table
     * @param columnList the columns, comma separated, in the order the rows give their values
     */
    MultiRowInsert(Connection connection, String table, String columnList) {
        this.connection = connection;
        this.columns = columnList.split(",").length;
        this.prefix = "INSERT INTO " + table + " (" + columnList + ") VALUES ";
        this.rowPlaceholders = "(" + "?, ".repeat(columns - 1) + "?)";
        this.rowsPerStatement = Math.max(1, Math.min(MAX_ROWS, MAX_PARAMETERS / columns));
        this.buffer = new Object[rowsPerStatement * columns];
    }

    /** @return a null bound as the given {@link Types} code */
    static SqlNull nullOf(int sqlType) {
        return switch (sqlType) {
            case Types.BIGINT -> NULL_BIGINT;
            case Types.VARCHAR -> NULL_VARCHAR;
            default -> new SqlNull(sqlType);
        };
    }

    int rowsPerStatement() {
        return rowsPerStatement;
    }

    /**
     * Adds one row.
     *
     * @param values the row's values, one per column
     */
    void add(Object... values) throws SQLException {
        if (values.length != columns) {
            throw new IllegalArgumentException("a row of " + columns + " values, got " + values.length);
        }
        System.arraycopy(values, 0, buffer, buffered * columns, columns);
        if (++buffered == rowsPerStatement) {
            if (full == null) {
                full = connection.prepareStatement(sql(rowsPerStatement));
            }
            bind(full, rowsPerStatement);
            full.addBatch();
            fullGroups++;
            buffered = 0;
        }
    }

    /** Sends every buffered row: the batch of full groups, then the remainder as one statement. */
    void finish() throws SQLException {
        if (fullGroups > 0) {
            full.executeBatch();
            fullGroups = 0;
        }
        if (buffered > 0) {
            try (PreparedStatement rest = connection.prepareStatement(sql(buffered))) {
                bind(rest, buffered);
                rest.executeUpdate();
            }
            buffered = 0;
        }
        Arrays.fill(buffer, null);
    }

    private String sql(int rows) {
        StringBuilder sb = new StringBuilder(prefix.length() + rows * (rowPlaceholders.length() + 2));
        sb.append(prefix);
        for (int i = 0; i < rows; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(rowPlaceholders);
        }
        return sb.toString();
    }

    private void bind(PreparedStatement ps, int rows) throws SQLException {
        int n = rows * columns;
        for (int i = 0; i < n; i++) {
            switch (buffer[i]) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer v -> ps.setInt(i + 1, v);
                case SqlNull sqlNull -> ps.setNull(i + 1, sqlNull.sqlType());
                case null -> ps.setNull(i + 1, Types.VARCHAR);
                default -> throw new IllegalArgumentException("cannot bind a " + buffer[i].getClass().getName());
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (full != null) {
            full.close();
        }
    }
}
