package dev.vigil.core.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hash equals its written definition (TraceIdHash's Javadoc, implemented here word by word, independently of
 * the two-lane loop) on texts of every length mod 8 and on non-Latin-1 and non-BMP texts: the pinned values in
 * SamplerTest cover only 35-char ids.
 */
class TraceIdHashTest {

    private static final long SEED = Sampler.DEFAULT_SEED;
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    /** The definition: words of four code units, full word w to lane a if w is even else b, the partial word to b. */
    private static long definition(long seed, String text) {
        int n = text.length();
        long a = seed;
        long b = seed ^ 0xC2B2AE3D27D4EB4FL;
        int full = n / 4;
        for (int w = 0; w < full; w++) {
            long k = 0;
            for (int c = 0; c < 4; c++) {
                k |= (long) text.charAt(4 * w + c) << (16 * c);
            }
            if (w % 2 == 0) {
                a = block(a, k);
            } else {
                b = block(b, k);
            }
        }
        if (n % 4 != 0) {
            long k = 0;
            for (int c = 0; 4 * full + c < n; c++) {
                k |= (long) text.charAt(4 * full + c) << (16 * c);
            }
            b = block(b, k);
        }
        return a ^ Long.rotateLeft(b * C1, 31) ^ (n + 1) * 0x9E3779B97F4A7C15L;
    }

    private static long block(long h, long k) {
        return Long.rotateLeft(h ^ Long.rotateLeft(k * C1, 31) * C2, 27) * 5 + 0x52dce729;
    }

    private static void assertSameAsReference(String text) {
        assertThat(TraceIdHash.absorb(SEED, text)).as("absorb of \"%s\" (%d chars)", text, text.length())
                .isEqualTo(definition(SEED, text));
        assertThat(TraceIdHash.absorb(-7L, text)).isEqualTo(definition(-7L, text));
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
        // a char above 255 whose low byte is a plain ASCII char is not read as that char
        assertThat(TraceIdHash.absorb(SEED, "tr-0123456789\u0161bcdef"))
                .isNotEqualTo(TraceIdHash.absorb(SEED, "tr-0123456789abcdef"));
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
