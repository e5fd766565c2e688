package dev.vigil.spi.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Per-code-point folding, and the superset pattern a database's whole-string LOWER is given for it. */
class CaseFoldTest {

    @Test
    void foldsOneCodePointAtATime_neverExpanding() {
        assertThat(CaseFold.fold("\u0130STANBUL")).isEqualTo("istanbul");
        assertThat(CaseFold.fold("\u0131")).isEqualTo("i");
        assertThat(CaseFold.fold("\u017ftop")).isEqualTo("stop");
        assertThat(CaseFold.fold("\u039f\u0394\u039f\u03a3")).isEqualTo(CaseFold.fold("\u03bf\u03b4\u03bf\u03c2"))
                .isEqualTo("\u03bf\u03b4\u03bf\u03c3");
        assertThat(CaseFold.fold("stra\u00dfe")).isEqualTo("stra\u00dfe");
        assertThat(CaseFold.fold("\ud83d\ude00 OK")).isEqualTo("\ud83d\ude00 ok");
        String plain = "already folded";
        assertThat(CaseFold.fold(plain)).isSameAs(plain);
    }

    @Test
    void noCodePointAfterThePlanesScanned_hasACaseMapping() {
        for (int cp = CaseFold.LAST_CASED + 1; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = new String(Character.toChars(cp));
            if (CaseFold.fold(cp) != cp || !s.toLowerCase(Locale.ROOT).equals(s)
                    || Character.toTitleCase(cp) != cp) {
                throw new AssertionError("U+" + Integer.toHexString(cp) + " has a case mapping");
            }
        }
    }

    /** What {@code LOWER(value) LIKE pattern} answers where LOWER is Java's whole-string lower case (H2). */
    static boolean lowerLike(String value, String pattern) {
        StringBuilder re = new StringBuilder();
        pattern.codePoints().forEach(c -> re.append(c == '%' ? ".*" : c == '_' ? "."
                : Pattern.quote(new String(Character.toChars(c)))));
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(value.toLowerCase(Locale.ROOT)).matches();
    }

    @Test
    void lowerSuperset_selectsEveryMatch_andExactlyTheMatchesWhenItSaysExact() {
        String[] alphabet = {"i", "I", "\u0130", "\u0131", "s", "S", "\u017f", "\u03c3", "\u03c2", "\u03a3", "k", "K",
            "\u212a", "\u00df", "\u1e9e", "\u0307", "a", "B", " ", "\ud83d\ude00", "%", "_"};
        Random r = new Random(20261206L);
        int exactChecked = 0;
        for (int n = 0; n < 20_000; n++) {
            String value = random(r, alphabet, 5).replace("%", "").replace("_", "");
            String pattern = random(r, alphabet, 4);
            boolean match = new LikePattern(pattern, true).matches(value);
            CaseFold.Superset s = CaseFold.lowerSuperset(pattern);
            boolean pushed = lowerLike(value, s.pattern());
            if (match) {
                assertThat(pushed).as("'%s' ILIKE '%s' pushed down as '%s'", value, pattern, s.pattern()).isTrue();
            }
            if (s.exact()) {
                exactChecked++;
                assertThat(pushed).as("exact '%s' for '%s' on '%s'", s.pattern(), pattern, value).isEqualTo(match);
            }
        }
        assertThat(exactChecked).isGreaterThan(1000);
    }

    private static String random(Random r, String[] alphabet, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            sb.append(alphabet[r.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }
}
