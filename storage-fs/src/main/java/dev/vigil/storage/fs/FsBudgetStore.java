package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetStore;
import dev.vigil.spi.store.BudgetUsage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Budgets and their counters in {@code state/budgets.state}, rewritten atomically (temp file, fsync, rename) on
 * every change, read at first use. Only the current and previous period's counters of a budget are kept. The file
 * store has one writing process, so its write lock makes every reservation atomic. The file's JSON is
 * {@link BudgetStateJson}'s.
 */
final class FsBudgetStore implements BudgetStore {
    static final String STATE_FILE = "budgets.state";

    private final FileStore store;
    private boolean loaded;
    /** "experiment\0name" → budget (sorted: list() is ordered by name within an experiment). */
    private final TreeMap<String, Budget> budgets = new TreeMap<>();
    /** "experiment\0name" → period start → counters. */
    private final Map<String, TreeMap<Instant, BudgetUsage>> usage = new TreeMap<>();
    /** reservation id → reservation held by a call in flight. */
    private final Map<String, Held> held = new TreeMap<>();

    /** A reservation held by a call in flight. */
    record Held(String experimentId, String name, Instant periodStart, long tokens, long nanoUsd,
            Instant expiresAt) {}

    FsBudgetStore(FileStore store) {
        this.store = store;
    }

    /** @return the maps' key of a budget */
    static String key(String experimentId, String name) {
        return experimentId + '\u0000' + name;
    }

    private Path file() {
        return store.stateDir().resolve(STATE_FILE);
    }

    /** Loads the file once; call under a lock (the write lock, or the read lock: loading is idempotent). */
    private synchronized void load() {
        if (loaded) {
            return;
        }
        BudgetStateJson.read(FsFiles.readStateJson(file()), budgets, usage, held);
        loaded = true;
    }

    private void persist() {
        FsFiles.writeState(file(), BudgetStateJson.write(budgets, usage, held));
    }

    @Override
    public Budget put(Budget b) {
        if (b == null) {
            throw new InvalidInputException("put needs a budget, got null");
        }
        return store.write(() -> {
            load();
            store.requireExperiment(b.experimentId(), "budget '" + b.name() + "'");
            Budget old = budgets.put(key(b.experimentId(), b.name()), b);
            try {
                persist();
            } catch (RuntimeException e) {
                restore(key(b.experimentId(), b.name()), old);
                throw e;
            }
            return b;
        });
    }

    private void restore(String k, Budget old) {
        if (old == null) {
            budgets.remove(k);
        } else {
            budgets.put(k, old);
        }
    }

    @Override
    public Optional<Budget> get(String experimentId, String name) {
        return store.read(() -> {
            load();
            return Optional.ofNullable(budgets.get(key(experimentId, name)));
        });
    }

    @Override
    public List<Budget> list(String experimentId) {
        return store.read(() -> {
            load();
            List<Budget> out = new ArrayList<>();
            budgets.subMap(experimentId + '\u0000', experimentId + '\u0001').values().forEach(out::add);
            return List.copyOf(out);
        });
    }

    @Override
    public boolean delete(String experimentId, String name) {
        return store.write(() -> {
            load();
            String k = key(experimentId, name);
            Budget old = budgets.remove(k);
            TreeMap<Instant, BudgetUsage> oldUsage = usage.remove(k);
            if (old == null && oldUsage == null) {
                return false;
            }
            Map<String, Held> oldHeld = new TreeMap<>(held);
            held.values().removeIf(h -> h.experimentId().equals(experimentId) && h.name().equals(name));
            try {
                persist();
            } catch (RuntimeException e) {
                restore(k, old);
                if (oldUsage != null) {
                    usage.put(k, oldUsage);
                }
                held.clear();
                held.putAll(oldHeld);
                throw e;
            }
            return old != null;
        });
    }

    @Override
    public BudgetUsage usage(String experimentId, String name, Instant periodStart) {
        Objects.requireNonNull(periodStart, "periodStart");
        return store.read(() -> {
            load();
            TreeMap<Instant, BudgetUsage> periods = usage.get(key(experimentId, name));
            BudgetUsage u = periods == null ? null : periods.get(periodStart);
            return u == null ? BudgetUsage.empty(experimentId, name, periodStart) : u;
        });
    }

    /** Applies a change to a period's counters and persists; null from the change means "no change". */
    private boolean update(Budget b, Instant periodStart, UnaryOperator<BudgetUsage> change) {
        Objects.requireNonNull(periodStart, "periodStart");
        return store.write(() -> {
            load();
            String k = key(b.experimentId(), b.name());
            TreeMap<Instant, BudgetUsage> periods = usage.computeIfAbsent(k, x -> new TreeMap<>());
            BudgetUsage old = periods.get(periodStart);
            BudgetUsage next = change.apply(old == null
                    ? BudgetUsage.empty(b.experimentId(), b.name(), periodStart) : old);
            if (next == null) {
                return false;
            }
            periods.put(periodStart, next);
            TreeMap<Instant, BudgetUsage> dropped = new TreeMap<>();
            while (periods.size() > 2) {
                var first = periods.pollFirstEntry();
                dropped.put(first.getKey(), first.getValue());
            }
            try {
                persist();
            } catch (RuntimeException e) {
                periods.putAll(dropped);
                if (old == null) {
                    periods.remove(periodStart);
                } else {
                    periods.put(periodStart, old);
                }
                throw e;
            }
            return true;
        });
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, long tokens, long nanoUsd) {
        checkAmounts(tokens, nanoUsd);
        return update(b, periodStart, u -> !u.fits(b, tokens, nanoUsd) ? null
                : new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(), u.spentTokens(),
                        u.spentNanoUsd(), u.reservedTokens() + tokens, u.reservedNanoUsd() + nanoUsd, u.calls(),
                        u.skipped(), u.alertedPercent()));
    }

    @Override
    public void settle(Budget b, Instant periodStart, long reservedTokens, long reservedNanoUsd, long tokens,
            long nanoUsd, int calls) {
        checkAmounts(reservedTokens, reservedNanoUsd);
        checkAmounts(tokens, nanoUsd);
        update(b, periodStart, u -> new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(),
                u.spentTokens() + tokens, u.spentNanoUsd() + nanoUsd,
                Math.max(0, u.reservedTokens() - reservedTokens), Math.max(0, u.reservedNanoUsd() - reservedNanoUsd),
                u.calls() + Math.max(0, calls), u.skipped(), u.alertedPercent()));
    }

    @Override
    public void recordSkip(Budget b, Instant periodStart) {
        update(b, periodStart, u -> new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(),
                u.spentTokens(), u.spentNanoUsd(), u.reservedTokens(), u.reservedNanoUsd(), u.calls(),
                u.skipped() + 1, u.alertedPercent()));
    }

    @Override
    public boolean markAlerted(Budget b, Instant periodStart, int percent) {
        return update(b, periodStart, u -> u.alertedPercent() >= percent ? null
                : new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(), u.spentTokens(),
                        u.spentNanoUsd(), u.reservedTokens(), u.reservedNanoUsd(), u.calls(), u.skipped(),
                        percent));
    }

    private static void checkAmounts(long tokens, long nanoUsd) {
        if (tokens < 0 || nanoUsd < 0) {
            throw new InvalidInputException("budget amounts must be 0 or more, got " + tokens + " tokens and "
                    + nanoUsd + " nano-USD");
        }
    }

    private static BudgetUsage release(BudgetUsage u, long tokens, long nanoUsd) {
        return new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(), u.spentTokens(), u.spentNanoUsd(),
                Math.max(0, u.reservedTokens() - tokens), Math.max(0, u.reservedNanoUsd() - nanoUsd), u.calls(),
                u.skipped(), u.alertedPercent());
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd,
            Instant expiresAt) {
        checkAmounts(tokens, nanoUsd);
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return store.write(() -> {
            load();
            if (held.containsKey(reservationId)) {
                throw new InvalidInputException("reservation " + reservationId + " is already held");
            }
            boolean keep = tokens > 0 || nanoUsd > 0;
            if (keep) {
                held.put(reservationId, new Held(b.experimentId(), b.name(), periodStart, tokens, nanoUsd,
                        expiresAt));
            }
            try {
                boolean ok = reserve(b, periodStart, tokens, nanoUsd);
                if (!ok && keep) {
                    held.remove(reservationId);
                }
                return ok;
            } catch (RuntimeException e) {
                held.remove(reservationId);
                throw e;
            }
        });
    }

    @Override
    public void settle(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd, int calls) {
        checkAmounts(tokens, nanoUsd);
        store.write(() -> {
            load();
            Held h = held.remove(reservationId);
            try {
                settle(b, periodStart, h == null ? 0 : h.tokens(), h == null ? 0 : h.nanoUsd(), tokens, nanoUsd,
                        calls);
            } catch (RuntimeException e) {
                if (h != null) {
                    held.put(reservationId, h);
                }
                throw e;
            }
            return null;
        });
    }

    @Override
    public int reclaimExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        return store.write(() -> {
            load();
            Map<String, Held> expired = new TreeMap<>();
            held.forEach((id, h) -> {
                if (!h.expiresAt().isAfter(now)) {
                    expired.put(id, h);
                }
            });
            if (expired.isEmpty()) {
                return 0;
            }
            Map<String, TreeMap<Instant, BudgetUsage>> before = new TreeMap<>();
            usage.forEach((k, v) -> before.put(k, new TreeMap<>(v)));
            expired.forEach((id, h) -> {
                held.remove(id);
                TreeMap<Instant, BudgetUsage> periods = usage.get(key(h.experimentId(), h.name()));
                BudgetUsage u = periods == null ? null : periods.get(h.periodStart());
                if (u != null) {
                    periods.put(h.periodStart(), release(u, h.tokens(), h.nanoUsd()));
                }
            });
            try {
                persist();
            } catch (RuntimeException e) {
                held.putAll(expired);
                usage.clear();
                usage.putAll(before);
                throw e;
            }
            return expired.size();
        });
    }

    @Override
    public int heldReservations(String experimentId, String name) {
        return store.read(() -> {
            load();
            return (int) held.values().stream()
                    .filter(h -> h.experimentId().equals(experimentId) && h.name().equals(name)).count();
        });
    }
}
