package dev.vigil.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Latin-1 read path gives the definition's value (read a char at a time) for every text. */
class TraceIdHashTest {

    private static final long SEED = Sampler.DEFAULT_SEED;

    private static void assertSameAsReference(String text) {
        assertThat(TraceIdHash.absorb(SEED, text)).as("absorb of \"%s\" (%d chars)", text, text.length())
                .isEqualTo(TraceIdHash.absorbChars(SEED, text));
        assertThat(TraceIdHash.absorb(-7L, text)).isEqualTo(TraceIdHash.absorbChars(-7L, text));
    }

    @Test
    void everyLengthModEight_givesTheReferenceValue() {
        Random r = new Random(3);
        for (int n = 0; n <= 80; n++) {
            for (int round = 0; round < 20; round++) {
                StringBuilder hex = new StringBuilder();
                StringBuilder latin1 = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    hex.append(Character.forDigit(r.nextInt(16), 16));
                    latin1.append((char) r.nextInt(256));
                }
                assertSameAsReference(hex.toString());
                assertSameAsReference(latin1.toString());
            }
        }
    }

    @Test
    void nonLatin1Texts_atAnyPosition_giveTheReferenceValue() {
        String id = "tr-0123456789abcdef0123456789abcdef";
        for (String odd : List.of("\u00e9", "\u00ff", "\u0100", "\u4e2d", "\u3f3f", "\uff3f", "\ud83d\ude42", "\ud800",
                "?", "??", "\u0000")) {
            for (int at = 0; at <= id.length(); at++) {
                assertSameAsReference(id.substring(0, at) + odd + id.substring(at));
            }
            assertSameAsReference(odd.repeat(9));
        }
        // a char above 255 whose low byte is a plain ASCII char must not be read as that char
        assertThat(TraceIdHash.absorb(SEED, "tr-0123456789\u0161bcdef"))
                .isNotEqualTo(TraceIdHash.absorb(SEED, "tr-0123456789abcdef"))
                .isEqualTo(TraceIdHash.absorbChars(SEED, "tr-0123456789\u0161bcdef"));
    }

    @Test
    void randomMlflowIdsAndUnicodeTexts_giveTheReferenceValue() {
        Random r = new Random(5);
        byte[] b = new byte[16];
        for (int k = 0; k < 2000; k++) {
            r.nextBytes(b);
            assertSameAsReference("tr-" + HexFormat.of().formatHex(b));
            StringBuilder any = new StringBuilder();
            for (int c = 0, n = r.nextInt(40); c < n; c++) {
                any.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x10000) : r.nextInt(128)));
            }
            assertSameAsReference(any.toString());
        }
    }
}
