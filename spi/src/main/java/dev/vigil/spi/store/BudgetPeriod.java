package dev.vigil.spi.store;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** The period a {@link Budget} counts over; periods start at midnight UTC (weeks on Monday). */
public enum BudgetPeriod {
    /** A calendar day, UTC. */
    DAY,
    /** A week from Monday 00:00 UTC. */
    WEEK,
    /** A calendar month, UTC. */
    MONTH;

    /**
     * @param at an instant
     * @return the start of the period holding it
     */
    public Instant start(Instant at) {
        LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate s = switch (this) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> d.withDayOfMonth(1);
        };
        return s.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * @param at an instant
     * @return the start of the next period (when the budget rolls over)
     */
    public Instant next(Instant at) {
        LocalDate s = start(at).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate n = switch (this) {
            case DAY -> s.plusDays(1);
            case WEEK -> s.plusWeeks(1);
            case MONTH -> s.plusMonths(1);
        };
        return n.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
