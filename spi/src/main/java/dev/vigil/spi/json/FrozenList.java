package dev.vigil.spi.json;

import java.util.AbstractList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;

/**
 * A JSON array that {@link Json} froze: unmodifiable and holding only frozen JSON values, so that freezing it
 * again returns it as it is (see {@link FrozenMap}). Only {@link Json} creates it, from a list nobody else holds.
 */
final class FrozenList extends AbstractList<Object> implements RandomAccess {

    private final List<Object> view;
    /** Its JSON size ({@link Json#jsonChars}), counted once (the value never changes); -1 until counted. */
    private volatile long jsonChars = -1;

    /** @param owned a random-access list no other code holds a reference to, whose elements are frozen */
    FrozenList(List<Object> owned) {
        this.view = Collections.unmodifiableList(owned);
    }

    @Override public Object get(int index) { return view.get(index); }
    @Override public int size() { return view.size(); }
    @Override public Iterator<Object> iterator() { return view.iterator(); }
    /** @return its JSON size if counted, else -1 */
    long cachedJsonChars() { return jsonChars; }

    /** @param n its JSON size, as counted */
    void cacheJsonChars(long n) { jsonChars = n; }

    @Override public boolean equals(Object o) { return o == this || view.equals(o); }
    @Override public int hashCode() { return view.hashCode(); }
}
