package dev.vigil.spi.json;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A JSON object that {@link Json} froze: unmodifiable, insertion-ordered, and holding only frozen JSON values, so
 * that freezing it again returns it as it is instead of copying it (a span's attributes are frozen by every model
 * constructor they pass through). Only {@link Json} creates it, from a map nobody else holds.
 */
final class FrozenMap implements Map<String, Object> {

    private final Map<String, Object> view;
    /** Its JSON size ({@link Json#jsonChars}), counted once (the value never changes); -1 until counted. */
    private volatile long jsonChars = -1;

    /** @param owned a map no other code holds a reference to, whose values are frozen */
    FrozenMap(Map<String, Object> owned) {
        this.view = Collections.unmodifiableMap(owned);
    }

    @Override public int size() { return view.size(); }
    @Override public boolean isEmpty() { return view.isEmpty(); }
    @Override public boolean containsKey(Object key) { return view.containsKey(key); }
    @Override public boolean containsValue(Object value) { return view.containsValue(value); }
    @Override public Object get(Object key) { return view.get(key); }
    @Override public Object getOrDefault(Object key, Object defaultValue) { return view.getOrDefault(key, defaultValue); }
    @Override public Object put(String key, Object value) { return view.put(key, value); }
    @Override public Object remove(Object key) { return view.remove(key); }
    @Override public void putAll(Map<? extends String, ?> m) { view.putAll(m); }
    @Override public void clear() { view.clear(); }
    @Override public Set<String> keySet() { return view.keySet(); }
    @Override public Collection<Object> values() { return view.values(); }
    @Override public Set<Entry<String, Object>> entrySet() { return view.entrySet(); }
    @Override public void forEach(BiConsumer<? super String, ? super Object> action) { view.forEach(action); }
    /** @return its JSON size if counted, else -1 */
    long cachedJsonChars() { return jsonChars; }

    /** @param n its JSON size, as counted */
    void cacheJsonChars(long n) { jsonChars = n; }

    @Override public boolean equals(Object o) { return o == this || view.equals(o); }
    @Override public int hashCode() { return view.hashCode(); }
    @Override public String toString() { return view.toString(); }
}
