package dev.vigil.storage.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Named counters in the {@code vigil_counters} table. Taking numbers updates the counter's row, which locks it
 * until the transaction ends: numbers are therefore handed out in commit order, so that a reader that has seen
 * number n never later sees a smaller one appear (what makes trace sequences usable as a tail cursor).
 */
final class Counters {

    private Counters() {}

    /**
     * @param c a connection inside a transaction
     * @param name the counter
     * @param count how many numbers to take, 1 or more
     * @return the last number taken; the numbers are {@code last - count + 1 .. last}
     */
    static long next(Connection c, String name, int count) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE vigil_counters SET counter_value = counter_value + ? WHERE name = ?")) {
            up.setLong(1, count);
            up.setString(2, name);
            if (up.executeUpdate() != 1) {
                throw new SQLException("the vigil_counters row '" + name + "' is missing; the schema is damaged");
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT counter_value FROM vigil_counters WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
