package dev.vigil.cli;

import java.util.Locale;

/**
 * The sample rates the CLI accepts. A started scorer samples a share of traces in [{@value #MIN}, 1]: one trace in
 * a million at least, because the sampler compares a trace's hash with the rate and a rate such as {@code 1e-300}
 * would never pick a trace while looking active. 0 means stopped and is accepted only where stopping is meant
 * ({@code scorers update --sample-rate 0}).
 */
final class SampleRates {

    /** The smallest rate a running scorer or a backfill may have: one trace in a million. */
    static final double MIN = 1e-6;

    private SampleRates() {}

    /**
     * @param rate the rate given
     * @param flag the option it came from, for the message
     * @param zeroStops whether 0 is allowed (it stops the scorer)
     * @return the rate
     * @throws UserError if it is outside the allowed range
     */
    static double check(double rate, String flag, boolean zeroStops) {
        if (zeroStops && rate == 0.0) {
            return rate;
        }
        if (Double.isNaN(rate) || rate < MIN || rate > 1.0) {
            throw new UserError(flag + " " + format(rate) + " is out of range: a sample rate is a share of traces in ["
                    + "0.000001, 1] (0.5 scores half of them)" + (zeroStops ? ", or 0 to stop the scorer"
                    : "; stop a scorer with 'vigil scorers stop NAME'"));
        }
        return rate;
    }

    private static String format(double rate) {
        return rate == Math.rint(rate) && Math.abs(rate) < 1e15 ? String.format(Locale.ROOT, "%.0f", rate)
                : Double.toString(rate);
    }
}
