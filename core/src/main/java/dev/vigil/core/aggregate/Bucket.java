package dev.vigil.core.aggregate;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The width of an aggregation's time buckets (UTC). */
public enum Bucket {
    /** One minute. */
    MINUTE(ChronoUnit.MINUTES),
    /** One hour. */
    HOUR(ChronoUnit.HOURS),
    /** One UTC day. */
    DAY(ChronoUnit.DAYS);

    private final ChronoUnit unit;

    Bucket(ChronoUnit unit) {
        this.unit = unit;
    }

    /**
     * @param time a time
     * @return the start of the bucket holding it
     */
    public Instant start(Instant time) {
        return time.truncatedTo(unit);
    }

    /**
     * @param start a bucket start
     * @return the start of the next bucket
     */
    public Instant next(Instant start) {
        return start.plus(1, unit);
    }
}
