package dev.vigil.core.sampling;

/**
 * The seeded 64-bit hash behind sampling decisions. It must never change: stored samples, backfills and other
 * machines rely on it giving the same value for the same (seed, text).
 *
 * <p>Definition: the UTF-16 code units of the text are packed four at a time into 64-bit little-endian words
 * (the last word zero-padded); starting from {@code h = seed}, each word {@code k} and then {@code length × P1}
 * are absorbed as {@code h = rotl(h ^ mix(k), 27) × 5 + 0x52dce729} with {@code mix(k) = rotl(k × C1, 31) × C2}
 * (MurmurHash3's x64 block step), and the result goes through MurmurHash3's {@code fmix64} finaliser. A pair
 * (trace id, scorer name) absorbs the second text after the first, before the finaliser. Packing four code units
 * per word makes it several times faster than hashing bytes one at a time for the 35-character MLflow trace ids
 * ({@code tr-} + 32 hex digits) while every bit of every character still reaches the avalanche finaliser.
 * Guava's {@code Hashing.murmur3_128} was measured beside it (see benchmarks/README.md) and is slower, because it
 * encodes the string to UTF-8 bytes first.
 */
final class TraceIdHash {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final long P1 = 0x9E3779B97F4A7C15L;

    private TraceIdHash() {}

    /**
     * @param seed the seed
     * @param text the text
     * @return the running state after absorbing the text (feed to {@link #absorb} again, or {@link #finish})
     */
    static long absorb(long seed, String text) {
        int n = text.length();
        long h = seed;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long k = (long) text.charAt(i)
                    | (long) text.charAt(i + 1) << 16
                    | (long) text.charAt(i + 2) << 32
                    | (long) text.charAt(i + 3) << 48;
            h = step(h, k);
        }
        if (i < n) {
            long k = 0;
            for (int shift = 0; i < n; i++, shift += 16) {
                k |= (long) text.charAt(i) << shift;
            }
            h = step(h, k);
        }
        // The length closes the text: it tells "a" from "a\0" and, in a pair, where the first text ends.
        return step(h, n * P1);
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
