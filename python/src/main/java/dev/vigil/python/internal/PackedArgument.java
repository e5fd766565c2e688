package dev.vigil.python.internal;

import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * A scorer argument (inputs, outputs or expectations) as the harness's {@code _thaw} copies it into read-only Python
 * values with as few host calls as possible: a JSON object or array is one read-only array
 * {@code [kinds, ...]} whose first element is a string saying what the container is ({@code d} object, {@code l}
 * array) followed by one letter per value ({@code s} a scalar passed as is, {@code n} null, {@code c} a nested
 * container, itself packed the same way); an object's elements are then {@code k1, v1, k2, v2, ...}, an array's its
 * values. Python reads the kinds once and recurses only where Java says "container", instead of asking each host
 * proxy whether it has keys and reading every key and value through a map proxy. The array is built on its first
 * read, so an argument the scorer does not take costs nothing but this wrapper.
 */
final class PackedArgument implements ProxyArray {
    /** Containers nested deeper than this are handed over as plain proxies: {@code _thaw} refuses them first. */
    private static final int MAX_DEPTH = 201;

    private final Object value;
    private final int depth;
    private Object[] packed;

    private PackedArgument(Object value, int depth) {
        this.value = value;
        this.depth = depth;
    }

    /** @param value a frozen JSON value @return what to hand to the harness's {@code _thaw} */
    static Object of(Object value) {
        return of(value, 0);
    }

    private static Object of(Object value, int depth) {
        if ((value instanceof Map<?, ?> || value instanceof List<?>) && depth <= MAX_DEPTH) {
            return new PackedArgument(value, depth);
        }
        return GuestArguments.wrap(value);
    }

    private Object[] packed() {
        Object[] a = packed;
        if (a == null) {
            a = value instanceof Map<?, ?> m ? map(m) : list((List<?>) value);
            packed = a;
        }
        return a;
    }

    private Object[] map(Map<?, ?> m) {
        Object[] a = new Object[1 + 2 * m.size()];
        StringBuilder kinds = new StringBuilder(m.size() + 1).append('d');
        int i = 1;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            a[i++] = e.getKey();
            a[i++] = element(e.getValue(), kinds);
        }
        a[0] = kinds.toString();
        return a;
    }

    private Object[] list(List<?> l) {
        Object[] a = new Object[1 + l.size()];
        StringBuilder kinds = new StringBuilder(l.size() + 1).append('l');
        int i = 1;
        for (Object v : l) {
            a[i++] = element(v, kinds);
        }
        a[0] = kinds.toString();
        return a;
    }

    private Object element(Object v, StringBuilder kinds) {
        if (v == null) {
            kinds.append('n');
            return null;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            kinds.append('c');
            return of(v, depth + 1);
        }
        kinds.append('s');
        return GuestArguments.wrap(v);
    }

    @Override
    public Object get(long index) {
        Object[] a = packed();
        if (index < 0 || index >= a.length) {
            throw new ArrayIndexOutOfBoundsException((int) index);
        }
        return a[(int) index];
    }

    @Override
    public void set(long index, Value v) {
        throw new UnsupportedOperationException("scorer arguments are read-only: copy them first (dict(x), list(x))");
    }

    @Override
    public boolean remove(long index) {
        throw new UnsupportedOperationException("scorer arguments are read-only: copy them first (dict(x), list(x))");
    }

    @Override
    public long getSize() {
        return packed().length;
    }
}
