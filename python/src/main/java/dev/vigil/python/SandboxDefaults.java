package dev.vigil.python;

import dev.vigil.python.internal.LimitMessages;
import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's default limits, overridable by system properties (so the {@code vigil} command, which uses the
 * shared sandbox, takes them in {@code VIGIL_JAVA_OPTS}): {@code vigil.python.timeBudget} and
 * {@code vigil.python.loadBudget} ({@code 10s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT10S}),
 * {@code vigil.python.allocationBudget} ({@code 1g}, {@code 768m}, {@code 65536k}, bytes; {@code 0}: none) and
 * {@code vigil.python.outputLimit} (same units). A malformed value fails with the property and what is allowed.
 */
final class SandboxDefaults {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?");

    private SandboxDefaults() {}

    static Duration duration(String property, Duration fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String t = v.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(v.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("system property " + property + "='" + v + "' is not a duration: use "
                    + "e.g. 10s, 500ms, 2m or PT10S");
        }
    }

    static long bytes(String property, long fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(v.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 12) {
            throw new InvalidInputException("system property " + property + "='" + v + "' is not a size: use e.g. "
                    + "1g, 768m, 256k or a number of bytes");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1;
        };
        if (n > Long.MAX_VALUE / unit) {
            throw new InvalidInputException("system property " + property + "='" + v + "' is too large");
        }
        return n * unit;
    }

    static Duration timeBudget() {
        return duration(LimitMessages.TIME_BUDGET_PROPERTY, PythonSandbox.DEFAULT_TIME_BUDGET);
    }

    static Duration loadBudget() {
        return duration(LimitMessages.LOAD_BUDGET_PROPERTY, PythonSandbox.DEFAULT_LOAD_BUDGET);
    }

    static long allocationBudgetBytes() {
        return bytes(LimitMessages.ALLOCATION_BUDGET_PROPERTY, PythonSandbox.DEFAULT_ALLOCATION_BUDGET_BYTES);
    }

    static int outputLimitBytes() {
        long n = bytes(LimitMessages.OUTPUT_LIMIT_PROPERTY, PythonSandbox.DEFAULT_OUTPUT_LIMIT_BYTES);
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
