package dev.vigil.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A point in time as people type it: an ISO instant ({@code 2026-11-28T10:00:00Z}), a date or local date-time
 * (UTC), {@code now}, or an age ({@code 30m}, {@code 2h}, {@code 7d} ago). Resolved against an injected clock.
 *
 * @param text what was typed
 * @param instant the fixed instant, or null for a relative one
 * @param ago how long before now, for a relative one
 */
record TimeArg(String text, Instant instant, Duration ago) {

    private static final Pattern AGO = Pattern.compile("(\\d+)\\s*(s|m|h|d|w)(?:\\s*ago)?");

    /**
     * @param clock the clock
     * @return the instant this argument means
     */
    Instant resolve(Clock clock) {
        return instant != null ? instant : clock.instant().minus(ago);
    }

    static TimeArg parse(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.equals("now")) {
            return new TimeArg(s, null, Duration.ZERO);
        }
        Matcher m = AGO.matcher(t.startsWith("-") ? t.substring(1) : t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return new TimeArg(s, null, d);
        }
        try {
            return new TimeArg(s, Instant.parse(s.strip()), null);
        } catch (DateTimeParseException notInstant) {
            try {
                return new TimeArg(s, LocalDateTime.parse(s.strip()).toInstant(ZoneOffset.UTC), null);
            } catch (DateTimeParseException notLocal) {
                try {
                    return new TimeArg(s, LocalDate.parse(s.strip()).atStartOfDay().toInstant(ZoneOffset.UTC), null);
                } catch (DateTimeParseException notDate) {
                    throw new CommandLine.TypeConversionException("'" + s + "' is not a time: use an ISO instant "
                            + "(2026-11-28T10:00:00Z), a date (2026-11-28, UTC), 'now', or an age (30m, 2h, 7d)");
                }
            }
        }
    }

    /** picocli converter. */
    static final class Converter implements CommandLine.ITypeConverter<TimeArg> {
        @Override
        public TimeArg convert(String value) {
            return parse(value);
        }
    }
}
