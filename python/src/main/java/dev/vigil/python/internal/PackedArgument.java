package dev.vigil.python.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A scorer argument (inputs, outputs or expectations) packed into one Java string that the harness's {@code _thaw}
 * copies into read-only Python values with a single {@code str.split}: no host read per key or value, because a
 * Java string crosses into GraalPy as a Python {@code str} with the call itself.
 *
 * <p>Layout: {@code MARK sep shape sep token sep token ...}, where {@code MARK} is {@code U+0000} and {@code sep} is
 * a character that occurs in none of the argument's strings. {@code shape} is {@code D} (an object whose values are
 * all strings: the tokens are {@code k1, v1, k2, v2, ...}), {@code L} (an array of strings: the tokens are its
 * values), {@code X} (nested deeper than {@link #MAX_DEPTH}: {@code _thaw} raises its error), or {@code G} (any other
 * JSON value: the first token is one letter per node in pre-order, {@code d}/{@code l} opening an object/array and
 * {@code )} closing it, {@code s} string, {@code i} integer, {@code f} float, {@code T}/{@code F} booleans, {@code n}
 * null; then an object's entries give their key token before their value, and strings, integers and floats one token
 * each, as text). A scalar argument is passed as it is, except a string that itself starts with {@code MARK}.
 *
 * <p>If every character is taken (an argument holding tens of thousands of distinct characters), the argument is
 * handed over as {@link GuestArguments} proxies instead and {@code _thaw} copies it key by key.
 */
final class PackedArgument {
    /** How deep containers may nest below the top-level one; {@code _thaw} refuses deeper arguments with an error. */
    static final int MAX_DEPTH = 200;

    static final char MARK = '\u0000';

    private PackedArgument() {}

    /** @param value a frozen JSON value @return what to hand to the harness's {@code _thaw} */
    static Object of(Object value) {
        if (value instanceof Map<?, ?> m) {
            return flatStrings(m) ? flatMap(m) : general(value);
        }
        if (value instanceof List<?> l) {
            return flatStrings(l) ? flatList(l) : general(value);
        }
        if (value instanceof String s && !s.isEmpty() && s.charAt(0) == MARK) {
            return general(value);
        }
        return GuestArguments.wrap(value);
    }

    private static boolean flatStrings(Map<?, ?> m) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static boolean flatStrings(List<?> l) {
        for (Object v : l) {
            if (!(v instanceof String)) {
                return false;
            }
        }
        return true;
    }

    private static Object flatMap(Map<?, ?> m) {
        int length = 3;
        boolean nulFree = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = (String) e.getKey();
            String v = (String) e.getValue();
            length += k.length() + v.length() + 2;
            nulFree = nulFree && k.indexOf(MARK) < 0 && v.indexOf(MARK) < 0;
        }
        List<String> strings = null;
        if (!nulFree) {
            strings = new ArrayList<>(2 * m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                strings.add((String) e.getKey());
                strings.add((String) e.getValue());
            }
        }
        char sep = nulFree ? MARK : separator(strings);
        if (sep == MARK && !nulFree) {
            return GuestArguments.wrap(m);
        }
        StringBuilder b = new StringBuilder(length).append(MARK).append(sep).append('D');
        for (Map.Entry<?, ?> e : m.entrySet()) {
            b.append(sep).append((String) e.getKey()).append(sep).append((String) e.getValue());
        }
        return b.toString();
    }

    private static Object flatList(List<?> l) {
        int length = 3;
        boolean nulFree = true;
        for (Object v : l) {
            String s = (String) v;
            length += s.length() + 1;
            nulFree = nulFree && s.indexOf(MARK) < 0;
        }
        @SuppressWarnings("unchecked")
        char sep = nulFree ? MARK : separator((List<String>) l);
        if (sep == MARK && !nulFree) {
            return GuestArguments.wrap(l);
        }
        StringBuilder b = new StringBuilder(length).append(MARK).append(sep).append('L');
        for (Object v : l) {
            b.append(sep).append((String) v);
        }
        return b.toString();
    }

    private static Object general(Object value) {
        StringBuilder kinds = new StringBuilder();
        List<String> tokens = new ArrayList<>();
        if (!walk(value, 0, kinds, tokens)) {
            return new StringBuilder(3).append(MARK).append(MARK).append('X').toString();
        }
        char sep = MARK;
        for (String t : tokens) {
            if (t.indexOf(MARK) >= 0) {
                sep = separator(tokens);
                if (sep == MARK) {
                    return GuestArguments.wrap(value);
                }
                break;
            }
        }
        int length = kinds.length() + 4;
        for (String t : tokens) {
            length += t.length() + 1;
        }
        StringBuilder b = new StringBuilder(length).append(MARK).append(sep).append('G').append(sep).append(kinds);
        for (String t : tokens) {
            b.append(sep).append(t);
        }
        return b.toString();
    }

    /** Adds value's nodes in pre-order; false if a container sits deeper than MAX_DEPTH. */
    private static boolean walk(Object value, int depth, StringBuilder kinds, List<String> tokens) {
        if (value instanceof Map<?, ?> m) {
            if (depth > MAX_DEPTH) {
                return false;
            }
            kinds.append('d');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                tokens.add(String.valueOf(e.getKey()));
                if (!walk(e.getValue(), depth + 1, kinds, tokens)) {
                    return false;
                }
            }
            kinds.append(')');
        } else if (value instanceof List<?> l) {
            if (depth > MAX_DEPTH) {
                return false;
            }
            kinds.append('l');
            for (Object v : l) {
                if (!walk(v, depth + 1, kinds, tokens)) {
                    return false;
                }
            }
            kinds.append(')');
        } else {
            scalar(value, kinds, tokens);
        }
        return true;
    }

    private static void scalar(Object v, StringBuilder kinds, List<String> tokens) {
        if (v == null) {
            kinds.append('n');
        } else if (v instanceof Boolean b) {
            kinds.append(b ? 'T' : 'F');
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            kinds.append('i');
            tokens.add(v.toString());
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            // Java's shortest round-trip digits (or NaN, Infinity, -Infinity), which Python's float() reads back
            // to the same double; a BigDecimal becomes a float, as GuestArguments.wrap hands it over.
            kinds.append('f');
            tokens.add(Double.toString(((Number) v).doubleValue()));
        } else {
            kinds.append('s');
            tokens.add(v instanceof String s ? s : String.valueOf(GuestArguments.wrap(v)));
        }
    }

    /**
     * @param strings the argument's strings, one of which holds {@code U+0000}
     * @return the first character (not a surrogate) that none of them holds, or {@link #MARK} if all are taken
     */
    static char separator(List<String> strings) {
        BitSet used = new BitSet(Character.MAX_VALUE + 1);
        for (String s : strings) {
            for (int i = 0; i < s.length(); i++) {
                used.set(s.charAt(i));
            }
        }
        for (int c = used.nextClearBit(1); c <= Character.MAX_VALUE; c = used.nextClearBit(c + 1)) {
            if (!Character.isSurrogate((char) c)) {
                return (char) c;
            }
        }
        return MARK;
    }
}
