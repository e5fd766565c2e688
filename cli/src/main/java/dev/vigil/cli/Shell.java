package dev.vigil.cli;

import java.util.regex.Pattern;

/** Words of commands the CLI suggests, written so that a person can paste them into a POSIX shell as they are. */
final class Shell {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Shell() {}

    /**
     * @param word a name, path or value
     * @return the word as is if it is plain ASCII without shell meta-characters, else in single quotes (a quote
     *     inside written {@code '\''})
     */
    static String quote(String word) {
        if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * @param experiment the experiment a command ran on
     * @return {@code " -e NAME"} (quoted as needed) for an experiment other than the default, else empty
     */
    static String experimentOption(String experiment) {
        return experiment == null || experiment.equals(StoreMixin.DEFAULT_EXPERIMENT) ? "" : " -e " + quote(experiment);
    }
}
