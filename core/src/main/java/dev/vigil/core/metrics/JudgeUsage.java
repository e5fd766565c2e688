package dev.vigil.core.metrics;

import java.util.Map;

/**
 * The feedback metadata keys a judge fills with its usage, read by the engine for the token and cost metrics.
 */
public final class JudgeUsage {
    /** Prompt tokens, an integer. */
    public static final String INPUT_TOKENS = "vigil.judge.inputTokens";
    /** Completion tokens, an integer. */
    public static final String OUTPUT_TOKENS = "vigil.judge.outputTokens";
    /** Cost in US dollars, a decimal number. */
    public static final String COST_USD = "vigil.judge.costUsd";

    private JudgeUsage() {}

    /**
     * Reports the usage found in a feedback's metadata, if any.
     *
     * @param metadata feedback metadata
     * @param scorer the scorer name
     * @param metrics where to report
     */
    public static void report(Map<String, String> metadata, String scorer, EngineMetrics metrics) {
        String in = metadata.get(INPUT_TOKENS);
        String out = metadata.get(OUTPUT_TOKENS);
        String cost = metadata.get(COST_USD);
        if (in == null && out == null && cost == null) {
            return;
        }
        metrics.judgeUsage(scorer, parseLong(in), parseLong(out), parseDouble(cost));
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            double d = s == null ? 0 : Double.parseDouble(s.trim());
            return Double.isFinite(d) && d > 0 ? d : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
