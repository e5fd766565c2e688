package dev.vigil.spi.json;

import java.util.Collection;
import java.util.Map;

/**
 * Counts the size of a JSON value in characters without allocating; the work behind {@link Json#jsonChars}.
 * Frozen objects and arrays remember their size.
 */
final class JsonChars {
    private JsonChars() {}

    static long jsonChars(Object value) {
        // the common leaves first, without allocating (this runs for every attribute of every stored span)
        if (value instanceof String s) {
            return s.length() + 2L;
        }
        if (value instanceof Long l) {
            return digits(l);
        }
        if (value instanceof Integer i) {
            return digits(i);
        }
        if (value instanceof Boolean b) {
            return b ? 4 : 5;
        }
        if (value instanceof FrozenMap m) {
            long n = m.cachedJsonChars();
            if (n < 0) {
                n = mapChars(m);
                m.cacheJsonChars(n);
            }
            return n;
        }
        if (value instanceof FrozenList l) {
            long n = l.cachedJsonChars();
            if (n < 0) {
                n = collectionChars(l);
                l.cacheJsonChars(n);
            }
            return n;
        }
        return switch (value) {
            case null -> 4;
            case CharSequence s -> s.length() + 2L;
            case Map<?, ?> m -> mapChars(m);
            case Collection<?> c -> collectionChars(c);
            case Object[] arr -> {
                long n = 2;
                for (Object o : arr) {
                    n += 1 + jsonChars(o);
                }
                yield n;
            }
            default -> String.valueOf(value).length();
        };
    }

    private static long mapChars(Map<?, ?> m) {
        long n = 2;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            n += (e.getKey() instanceof String k ? k.length() : String.valueOf(e.getKey()).length()) + 4L
                    + jsonChars(e.getValue());
        }
        return n;
    }

    private static long collectionChars(Collection<?> c) {
        long n = 2;
        for (Object o : c) {
            n += 1 + jsonChars(o);
        }
        return n;
    }

    /** @return the characters of a long in decimal */
    private static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        for (long x = Math.abs(v); x >= 10; x /= 10) {
            n++;
        }
        return n;
    }
}
