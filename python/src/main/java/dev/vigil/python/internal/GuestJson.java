package dev.vigil.python.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Hands a scorer's {@code inputs}, {@code outputs} and {@code expectations} to the harness as one JSON string, which
 * the harness parses with GraalPy's built-in (Java) JSON scanner straight into its read-only dict and list copies.
 * This replaces copying them out of {@link GuestArguments} proxies in Python, which crossed the host boundary
 * several times per key (iterator, entry, key conversion, lookup) and was the largest part of a trivial call.
 *
 * <p>The text is prefixed with one flag character: {@code F} when the value holds no list (every JSON object can
 * become a read-only dict as it is parsed), {@code L} when it does (lists are made read-only after parsing). Values
 * map as {@link GuestArguments#wrap} maps them: BigDecimal and other non-integral numbers become floats (a
 * non-finite one as the bare {@code NaN}/{@code Infinity} tokens Python's json reads back as floats), integral ones
 * ints, and anything else that is not JSON becomes its {@code toString()}.
 */
final class GuestJson {
    /** The deepest container nesting handed over as text; deeper values go as proxies (the harness refuses them). */
    static final int MAX_DEPTH = 200;

    private final StringBuilder sb = new StringBuilder(64);
    private boolean lists;

    private GuestJson() {}

    /**
     * @param value a frozen JSON value (or null)
     * @return the flagged JSON text, or null when the value is nested deeper than {@link #MAX_DEPTH}
     */
    static String encode(Object value) {
        GuestJson j = new GuestJson();
        j.sb.append('F');
        if (!j.value(value, 0)) {
            return null;
        }
        if (j.lists) {
            j.sb.setCharAt(0, 'L');
        }
        return j.sb.toString();
    }

    private boolean value(Object v, int depth) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Boolean b) {
            sb.append(b.booleanValue() ? "true" : "false");
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            sb.append(v);
        } else if (v instanceof BigDecimal d) {
            number(d.doubleValue());
        } else if (v instanceof Number n) {
            number(n.doubleValue());
        } else if (v instanceof Map<?, ?> m) {
            if (depth > MAX_DEPTH) {
                return false;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(String.valueOf(e.getKey()));
                sb.append(':');
                if (!value(e.getValue(), depth + 1)) {
                    return false;
                }
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            if (depth > MAX_DEPTH) {
                return false;
            }
            lists = true;
            sb.append('[');
            for (int i = 0, n = l.size(); i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                if (!value(l.get(i), depth + 1)) {
                    return false;
                }
            }
            sb.append(']');
        } else {
            string(v.toString());
        }
        return true;
    }

    private void number(double d) {
        if (Double.isNaN(d)) {
            sb.append("NaN");
        } else if (Double.isInfinite(d)) {
            sb.append(d > 0 ? "Infinity" : "-Infinity");
        } else {
            // Double.toString always has a '.' or an exponent, so Python reads a float, never an int
            sb.append(d);
        }
    }

    private void string(String s) {
        sb.append('"');
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                sb.append(s, start, i);
                start = i + 1;
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else {
                    sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                }
            }
        }
        sb.append(s, start, n).append('"');
    }
}
