package dev.vigil.kafka;

import java.lang.reflect.Method;

/**
 * storage-jdbc's test PostgreSQL ({@code dev.vigil.storage.jdbc.TestPostgres}, package-private in its test jar),
 * reached by reflection: this module's tests run on the class path, where that is allowed.
 */
final class KafkaTestPostgres {

    private KafkaTestPostgres() {}

    /** @return the JDBC URL of a new, empty database on the shared embedded PostgreSQL of this JVM */
    static String newDatabase() {
        try {
            Class<?> type = Class.forName("dev.vigil.storage.jdbc.TestPostgres");
            Method shared = type.getDeclaredMethod("shared");
            shared.setAccessible(true);
            Object server = shared.invoke(null);
            Method newDatabase = type.getDeclaredMethod("newDatabase");
            newDatabase.setAccessible(true);
            return (String) newDatabase.invoke(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot start storage-jdbc's test PostgreSQL: " + e, e);
        }
    }
}
