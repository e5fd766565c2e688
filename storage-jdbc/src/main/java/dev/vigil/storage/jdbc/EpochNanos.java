package dev.vigil.storage.jdbc;

import java.time.Duration;
import java.time.Instant;

/** Instants stored as epoch nanoseconds in a BIGINT column, saturating outside 1677–2262. */
final class EpochNanos {

    private EpochNanos() {}

    static long of(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException overflow) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    static Instant toInstant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** @return {@code t + ttl}, saturating instead of overflowing */
    static Instant plus(Instant t, Duration ttl) {
        try {
            return t.plus(ttl);
        } catch (ArithmeticException | java.time.DateTimeException overflow) {
            return Instant.MAX;
        }
    }
}
