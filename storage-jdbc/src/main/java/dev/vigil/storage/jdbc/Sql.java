package dev.vigil.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** JDBC helpers the store's tables share: IN-list lookups, chunked batches, parameter binding, time columns. */
final class Sql {

    /** Rows per IN list and per JDBC batch. */
    static final int CHUNK = 500;

    private Sql() {}

    /** @return which of the values are in the table's column */
    static Set<String> existing(Connection c, String table, String column, Collection<String> values)
            throws SQLException {
        Set<String> out = new HashSet<>();
        List<String> list = new ArrayList<>(values);
        for (int i = 0; i < list.size(); i += CHUNK) {
            List<String> chunk = list.subList(i, Math.min(list.size(), i + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE " + column
                    + " IN (" + FilterSql.placeholders(chunk.size()) + ")")) {
                for (int j = 0; j < chunk.size(); j++) {
                    ps.setString(j + 1, chunk.get(j));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** Binds one row of a batch. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    /** Runs one statement for each item, as JDBC batches of {@link #CHUNK}. */
    static <T> void batch(PreparedStatement ps, Collection<T> items, Binder<T> binder) throws SQLException {
        int n = 0;
        for (T item : items) {
            binder.bind(ps, item);
            ps.addBatch();
            if (++n % CHUNK == 0) {
                ps.executeBatch();
            }
        }
        if (n % CHUNK != 0) {
            ps.executeBatch();
        }
    }

    /** Binds parameters by their Java type, from index 1. */
    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            switch (p) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case Double d -> ps.setDouble(i + 1, d);
                default -> ps.setObject(i + 1, p);
            }
        }
    }

    /** @return the instant's epoch milliseconds, saturated at the ends of {@code long} */
    static long millis(Instant t) {
        try {
            return t.toEpochMilli();
        } catch (ArithmeticException overflow) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** @return {@code a + b}, or {@link Long#MAX_VALUE} where that overflows */
    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
