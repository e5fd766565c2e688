package dev.vigil.core.sampling;

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
        // Close the text: fold lane b into a (multiplied and rotated, so swapping lanes changes the result) and
        // add the length, which tells "a" from "a\0" and, in a pair, where the first text ends.
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
