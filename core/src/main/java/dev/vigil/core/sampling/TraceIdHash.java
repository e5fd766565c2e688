package dev.vigil.core.sampling;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The seeded 64-bit hash behind sampling decisions. It must never change: stored samples, backfills and other
 * machines rely on it giving the same value for the same (seed, text).
 *
 * <p>Definition: the UTF-16 code units of the text are packed four at a time into 64-bit little-endian words
 * (the last word zero-padded). Two lanes start at {@code a = seed} and {@code b = seed ^ 0xC2B2AE3D27D4EB4F};
 * words 0, 2, 4, ... go to lane a and words 1, 3, 5, ... to lane b (a last full word when the count of full words
 * is odd goes to a, the zero-padded partial word to b), each absorbed by MurmurHash3's x64 block step
 * {@code h = rotl(h ^ mix(k), 27) × 5 + 0x52dce729} with {@code mix(k) = rotl(k × C1, 31) × C2}. The text is
 * closed by {@code h = a ^ rotl(b × C1, 31) ^ (length + 1) × 0x9E3779B97F4A7C15}; the hash is MurmurHash3's
 * {@code fmix64} of that. A pair (trace id, scorer name) absorbs the second text with the first's closed state
 * as its seed.
 *
 * <p>Why not a library hash: Guava's {@code Hashing.murmur3_128} was measured beside it (see
 * benchmarks/README.md) and is several times slower on a 35-character MLflow id ({@code tr-} + 32 hex digits),
 * because it encodes the string to UTF-8 first and hashes 128 bits; packing four code units per word and running
 * two lanes keeps a decision within a small factor of OpenTelemetry's, which reads only 16 hex digits.
 *
 * <p>Reading: a text of eight or more chars is copied out once as its ISO-8859-1 bytes (one short-lived array of
 * its length) and read eight chars per step, each byte widened to its 16-bit code unit; that is the definition's
 * value whenever every char is below 256, which the copy proves unless it holds a {@code '?'} (the encoding of any
 * other char). Other texts, shorter ones and those holding a {@code '?'}, are read a char at a time
 * ({@link #absorbChars}, the definition as written).
 */
final class TraceIdHash {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long LANE = 0xC2B2AE3D27D4EB4FL;

    private TraceIdHash() {}

    /**
     * @param seed the seed
     * @param text the text
     * @return the running state after absorbing the text (feed to {@link #absorb} again, or {@link #finish})
     */
    static long absorb(long seed, String text) {
        int n = text.length();
        if (n >= FAST_MIN) {
            // A Latin-1 string (every char below 256: all trace ids in practice) copies out as its bytes in one
            // arraycopy; reading them eight at a time costs far less than a charAt (with its checks) per char.
            // Any other string encodes with '?' for each char above 255, which the fast path detects.
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            if (bytes.length == n) {
                return absorbLatin1(seed, text, bytes, n);
            }
        }
        return absorbChars(seed, text);
    }

    /** Below this length the copy costs more than it saves. */
    private static final int FAST_MIN = 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long QUESTION_MARKS = 0x3F3F3F3F3F3F3F3FL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The definition on the text's ISO-8859-1 bytes: each byte widened to a 16-bit code unit is the char itself
     * when the text is Latin-1, which every byte that is not {@code '?'} proves (a char above 255 encodes as
     * {@code '?'}); a text holding a {@code '?'} is absorbed again by {@link #absorbChars}.
     */
    private static long absorbLatin1(long seed, String text, byte[] bytes, int n) {
        long a = seed;
        long b = seed ^ LANE;
        long question = 0; // the high bit of a byte set where that byte may be '?'
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = (long) LONGS.get(bytes, i);
            long y = x ^ QUESTION_MARKS;
            question |= (y - ONES) & ~y & HIGHS; // non-zero iff some byte of y is zero
            a = step(a, widen(x & 0xFFFFFFFFL));
            b = step(b, widen(x >>> 32));
        }
        if (i + 4 <= n) {
            long x = (int) INTS.get(bytes, i) & 0xFFFFFFFFL;
            long y = x ^ (QUESTION_MARKS >>> 32);
            question |= (y - (ONES >>> 32)) & ~y & (HIGHS >>> 32);
            a = step(a, widen(x));
            i += 4;
        }
        if (i < n) {
            long k = 0;
            for (int shift = 0; i < n; i++, shift += 16) {
                int c = bytes[i] & 0xFF;
                question |= c == '?' ? 1 : 0;
                k |= (long) c << shift;
            }
            b = step(b, k);
        }
        if (question != 0) {
            return absorbChars(seed, text);
        }
        return close(a, b, n);
    }

    /** Four bytes in the low 32 bits, each widened to a 16-bit lane: the word of those four Latin-1 chars. */
    private static long widen(long x) {
        x = (x | x << 16) & 0x0000FFFF0000FFFFL;
        return (x | x << 8) & 0x00FF00FF00FF00FFL;
    }

    /**
     * The definition read a char at a time: for any text (the reference the Latin-1 path must equal).
     *
     * @param seed the seed
     * @param text the text
     * @return the running state after absorbing the text
     */
    static long absorbChars(long seed, String text) {
        int n = text.length();
        // Two lanes, even words in one and odd words in the other: their dependency chains run in parallel,
        // which halves the latency of a 35-character id compared with one lane.
        long a = seed;
        long b = seed ^ LANE;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            a = step(a, word(text, i));
            b = step(b, word(text, i + 4));
        }
        if (i + 4 <= n) {
            a = step(a, word(text, i));
            i += 4;
        }
        if (i < n) {
            long k = 0;
            for (int shift = 0; i < n; i++, shift += 16) {
                k |= (long) text.charAt(i) << shift;
            }
            b = step(b, k);
        }
        return close(a, b, n);
    }

    /**
     * Closes the text: folds lane b into a (multiplied and rotated, so swapping lanes changes the result) and adds
     * the length, which tells "a" from "a\0" and, in a pair, where the first text ends.
     */
    private static long close(long a, long b, int n) {
        return a ^ Long.rotateLeft(b * C1, 31) ^ (n + 1) * P1;
    }

    /** Four UTF-16 code units from {@code i}, little-endian. */
    private static long word(String text, int i) {
        return (long) text.charAt(i)
                | (long) text.charAt(i + 1) << 16
                | (long) text.charAt(i + 2) << 32
                | (long) text.charAt(i + 3) << 48;
    }

    private static long step(long h, long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        k *= C2;
        h ^= k;
        return Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }

    /**
     * MurmurHash3's fmix64 finaliser: every input bit affects every output bit.
     *
     * @param h the running state
     * @return the hash
     */
    static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * @param seed the seed
     * @param text the text
     * @return the hash of the text
     */
    static long hash(long seed, String text) {
        return finish(absorb(seed, text));
    }

    /**
     * @param seed the seed
     * @param first the first text
     * @param second the second text (absorbed after the first; the first's closing length separates them)
     * @return the hash of the pair
     */
    static long hash(long seed, String first, String second) {
        return finish(absorb(absorb(seed, first), second));
    }
}
