package dev.vigil.spi.filter;

import java.util.BitSet;
import java.util.Locale;

/**
 * The case folding of {@code ILIKE}: one code point at a time, each to the lower case of its upper case
 * ({@code Character.toLowerCase(Character.toUpperCase(cp))}), as MLflow's {@code ILIKE} matches with Python's
 * {@code re.IGNORECASE}: {@code İ} (U+0130) and {@code ı} (U+0131) fold to {@code i}, {@code ſ} to {@code s},
 * the Kelvin sign to {@code k}, final {@code ς} and {@code Σ} to {@code σ}, and nothing expands ({@code ß} stays one
 * code point, so {@code 'straße' ILIKE 'strasse'} is false). A folded string has as many code points as the
 * original, so {@code _} still stands for one of them.
 *
 * <p>{@link String#toLowerCase(Locale)} differs: it turns {@code İ} into two code points and {@code Σ} into
 * {@code ς} at the end of a word. A database's {@code LOWER} is that kind of function; {@link #lowerSuperset} gives
 * the pattern to push down with it that selects at least every match, for the rows to be checked here.
 */
public final class CaseFold {

    private CaseFold() {}

    /** Every code point with a case mapping lies in planes 0 and 1 (checked by the tests over the whole range). */
    static final int LAST_CASED = 0x1FFFF;

    /**
     * @param codePoint a code point
     * @return its folded code point
     */
    public static int fold(int codePoint) {
        return Character.toLowerCase(Character.toUpperCase(codePoint));
    }

    /**
     * @param s a string
     * @return the string folded one code point at a time
     */
    public static String fold(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int f = fold(cp);
            if (f != cp && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.appendCodePoint(f);
            }
            i += Character.charCount(cp);
        }
        return out == null ? s : out.toString();
    }

    /**
     * A LIKE pattern for {@code LOWER(column) LIKE ?}, where {@code LOWER} is Java's
     * {@code String.toLowerCase(Locale.ROOT)} over the whole value (H2's), that selects every value this folding
     * matches with {@code pattern}, and possibly more. A code point whose folding class lowers the same way in every
     * member and context is written lower-cased; any other one (the class of {@code i} holds {@code İ}, which lowers
     * to two code points; the class of {@code σ} holds {@code ς}) becomes {@code %}, as does {@code _} (one UTF-16
     * unit in H2, one code point here).
     *
     * @param pattern an ILIKE pattern
     * @return the superset pattern, and whether it selects exactly the matches
     */
    public static Superset lowerSuperset(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        boolean exact = true;
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '%') {
                out.append('%');
            } else if (cp == '_' || Unstable.CLASSES.get(fold(cp))) {
                out.append('%');
                exact = false;
            } else {
                out.appendCodePoint(fold(cp)); // every member of its class lowers to exactly this
            }
        }
        return new Superset(out.toString(), exact);
    }

    /**
     * A pattern to push down.
     *
     * @param pattern the LIKE pattern
     * @param exact true if it selects exactly the matches; false if the selected rows must be checked again
     */
    public record Superset(String pattern, boolean exact) {}

    /**
     * The folding classes (by folded code point) that a whole-string lower case does not map member by member to
     * the folded code point: a member lowers to another code point ({@code ς}, {@code ı}, {@code ſ}) or to several
     * ({@code İ}), or the class appears inside such an expansion (the combining dot of {@code i̇}), where a pattern
     * could match part of a lowered value that the folding keeps whole.
     */
    private static final class Unstable {
        static final BitSet CLASSES = compute();

        private static BitSet compute() {
            BitSet out = new BitSet();
            for (int cp = 0; cp <= LAST_CASED; cp++) {
                if (Character.toLowerCase(cp) == cp && Character.toUpperCase(cp) == cp
                        && Character.toTitleCase(cp) == cp) {
                    continue; // no case at all (most of the code space): lowers and folds to itself
                }
                int f = fold(cp);
                String lowered = new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
                if (lowered.codePointCount(0, lowered.length()) != 1 || lowered.codePointAt(0) != f) {
                    out.set(f);
                    lowered.codePoints().forEach(x -> out.set(fold(x)));
                }
            }
            return out;
        }
    }
}
