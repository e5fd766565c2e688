package dev.vigil.python.internal;

import java.time.Duration;

/**
 * What a scorer is told when it hits one of the sandbox's limits: which limit, its value, and how to raise it (the
 * system property, which the {@code vigil} command takes in {@code VIGIL_JAVA_OPTS}, and the builder method).
 */
public final class LimitMessages {
    /** System property of the default time budget of one call ({@code 10s}, {@code 500ms}, {@code 2m}). */
    public static final String TIME_BUDGET_PROPERTY = "vigil.python.timeBudget";
    /** System property of the default load budget. */
    public static final String LOAD_BUDGET_PROPERTY = "vigil.python.loadBudget";
    /** System property of the default allocation budget of one call ({@code 1g}, {@code 768m}; 0: none). */
    public static final String ALLOCATION_BUDGET_PROPERTY = "vigil.python.allocationBudget";
    /** System property of the default output limit of one call ({@code 256k}, {@code 1m}). */
    public static final String OUTPUT_LIMIT_PROPERTY = "vigil.python.outputLimit";

    private LimitMessages() {}

    static String timeout(String scorer, Duration budget) {
        return "scorer '" + scorer + "' ran longer than its " + describe(budget) + " time budget and was stopped; "
                + "if it needs longer, " + raise(TIME_BUDGET_PROPERTY, example(budget), "timeBudget(Duration)");
    }

    static String loadTimeout(String scorer, Duration budget) {
        return "scorer '" + scorer + "' took longer than its " + describe(budget) + " load budget to load and was "
                + "stopped; if its module-level code needs longer, "
                + raise(LOAD_BUDGET_PROPERTY, example(budget), "loadBudget(Duration)");
    }

    static String memory(String scorer, long budgetBytes) {
        return "scorer '" + scorer + "' allocated more than its " + bytes(budgetBytes) + " allocation budget and was "
                + "stopped; if it needs more, " + raise(ALLOCATION_BUDGET_PROPERTY,
                        (Math.max(1, budgetBytes >> 20) * 2) + "m", "allocationBudgetBytes(long)");
    }

    static String output(String scorer, int limitBytes) {
        return "scorer '" + scorer + "' printed more than its " + bytes(limitBytes) + " output limit and was stopped "
                + "(print raises past the limit); print less, or "
                + raise(OUTPUT_LIMIT_PROPERTY, (Math.max(1, limitBytes >> 10) * 4) + "k", "outputLimitBytes(int)");
    }

    /**
     * @param limit what was hit, e.g. "its 5 s time budget"
     */
    static String writtenOff(String scorer, String limit) {
        return "scorer '" + scorer + "' went past " + limit + " inside an operation that cannot be interrupted "
                + "in-process (e.g. sum(range(10**12)) or pow(3, 10**8)); its thread was written off and the scorer "
                + "quarantined. Run it in a worker process to bound such code (vigil scorers register --isolation "
                + "process; in Java, Isolation.PROCESS)";
    }

    static String timeLimit(Duration budget) {
        return "its " + describe(budget) + " time budget";
    }

    static String memoryLimit(long budgetBytes) {
        return "its " + bytes(budgetBytes) + " allocation budget";
    }

    static String outputLimit(int limitBytes) {
        return "its " + bytes(limitBytes) + " output limit";
    }

    private static String raise(String property, String example, String builderMethod) {
        return "raise it with -D" + property + "=" + example + " (for the vigil command, in VIGIL_JAVA_OPTS) or, in "
                + "Java, PythonSandbox.builder()." + builderMethod;
    }

    private static String example(Duration budget) {
        long ms = budget.toMillis() * 2;
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static String bytes(long n) {
        if (n % (1 << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n % (1 << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }
}
