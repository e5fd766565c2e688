package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetStore;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Budgets of a {@link MemoryStore} and their counters, under the store's lock. */
final class MemoryBudgetStore implements BudgetStore {
    private final MemoryStore store;
    /** experiment → name → budget. */
    private final Map<String, TreeMap<String, Budget>> budgets = new HashMap<>();
    /** (experiment, name, period) → counters. */
    private final Map<List<Object>, BudgetUsage> usage = new HashMap<>();
    /** reservation id → reservation held by a call in flight. */
    private final Map<String, Held> held = new HashMap<>();

    private record Held(String experimentId, String name, Instant periodStart, long tokens, long nanoUsd,
            Instant expiresAt) {}

    MemoryBudgetStore(MemoryStore store) {
        this.store = store;
    }

    private static List<Object> key(Budget b, Instant periodStart) {
        return List.of(b.experimentId(), b.name(), Objects.requireNonNull(periodStart, "periodStart"));
    }

    @Override
    public Budget put(Budget budget) {
        if (budget == null) {
            throw new InvalidInputException("put needs a budget, got null");
        }
        return store.write(() -> {
            store.requireExperiment(budget.experimentId(), "budget '" + budget.name() + "'");
            budgets.computeIfAbsent(budget.experimentId(), e -> new TreeMap<>()).put(budget.name(), budget);
            return budget;
        });
    }

    @Override
    public Optional<Budget> get(String experimentId, String name) {
        return store.read(() -> Optional.ofNullable(budgets.getOrDefault(experimentId, new TreeMap<>()).get(name)));
    }

    @Override
    public List<Budget> list(String experimentId) {
        return store.read(() -> List.copyOf(new ArrayList<>(
                budgets.getOrDefault(experimentId, new TreeMap<>()).values())));
    }

    @Override
    public boolean delete(String experimentId, String name) {
        return store.write(() -> {
            TreeMap<String, Budget> m = budgets.get(experimentId);
            boolean existed = m != null && m.remove(name) != null;
            usage.keySet().removeIf(k -> k.get(0).equals(experimentId) && k.get(1).equals(name));
            held.values().removeIf(h -> h.experimentId().equals(experimentId) && h.name().equals(name));
            return existed;
        });
    }

    @Override
    public BudgetUsage usage(String experimentId, String name, Instant periodStart) {
        return store.read(() -> usage.getOrDefault(List.of(experimentId, name, periodStart),
                BudgetUsage.empty(experimentId, name, periodStart)));
    }

    private BudgetUsage current(Budget b, Instant periodStart) {
        return usage.getOrDefault(key(b, periodStart), BudgetUsage.empty(b.experimentId(), b.name(), periodStart));
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, long tokens, long nanoUsd) {
        checkAmounts(tokens, nanoUsd);
        return store.write(() -> {
            BudgetUsage u = current(b, periodStart);
            if (!u.fits(b, tokens, nanoUsd)) {
                return false;
            }
            usage.put(key(b, periodStart), new BudgetUsage(u.experimentId(), u.budgetName(), periodStart,
                    u.spentTokens(), u.spentNanoUsd(), u.reservedTokens() + tokens, u.reservedNanoUsd() + nanoUsd,
                    u.calls(), u.skipped(), u.alertedPercent()));
            return true;
        });
    }

    @Override
    public void settle(Budget b, Instant periodStart, long reservedTokens, long reservedNanoUsd, long tokens,
            long nanoUsd, int calls) {
        checkAmounts(reservedTokens, reservedNanoUsd);
        checkAmounts(tokens, nanoUsd);
        store.write(() -> {
            BudgetUsage u = current(b, periodStart);
            usage.put(key(b, periodStart), new BudgetUsage(u.experimentId(), u.budgetName(), periodStart,
                    u.spentTokens() + tokens, u.spentNanoUsd() + nanoUsd,
                    Math.max(0, u.reservedTokens() - reservedTokens),
                    Math.max(0, u.reservedNanoUsd() - reservedNanoUsd), u.calls() + Math.max(0, calls), u.skipped(),
                    u.alertedPercent()));
            return null;
        });
    }

    @Override
    public void recordSkip(Budget b, Instant periodStart) {
        store.write(() -> {
            BudgetUsage u = current(b, periodStart);
            usage.put(key(b, periodStart), new BudgetUsage(u.experimentId(), u.budgetName(), periodStart,
                    u.spentTokens(), u.spentNanoUsd(), u.reservedTokens(), u.reservedNanoUsd(), u.calls(),
                    u.skipped() + 1, u.alertedPercent()));
            return null;
        });
    }

    @Override
    public boolean markAlerted(Budget b, Instant periodStart, int percent) {
        return store.write(() -> {
            BudgetUsage u = current(b, periodStart);
            if (u.alertedPercent() >= percent) {
                return false;
            }
            usage.put(key(b, periodStart), new BudgetUsage(u.experimentId(), u.budgetName(), periodStart,
                    u.spentTokens(), u.spentNanoUsd(), u.reservedTokens(), u.reservedNanoUsd(), u.calls(),
                    u.skipped(), percent));
            return true;
        });
    }

    private static void checkAmounts(long tokens, long nanoUsd) {
        if (tokens < 0 || nanoUsd < 0) {
            throw new InvalidInputException("budget amounts must be 0 or more, got " + tokens + " tokens and "
                    + nanoUsd + " nano-USD");
        }
    }

    @Override
    public boolean reserve(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd,
            Instant expiresAt) {
        checkAmounts(tokens, nanoUsd);
        Objects.requireNonNull(reservationId, "reservationId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        return store.write(() -> {
            if (held.containsKey(reservationId)) {
                throw new InvalidInputException("reservation " + reservationId + " is already held");
            }
            if (!reserve(b, periodStart, tokens, nanoUsd)) {
                return false;
            }
            if (tokens > 0 || nanoUsd > 0) {
                held.put(reservationId, new Held(b.experimentId(), b.name(), periodStart, tokens, nanoUsd,
                        expiresAt));
            }
            return true;
        });
    }

    @Override
    public void settle(Budget b, Instant periodStart, String reservationId, long tokens, long nanoUsd, int calls) {
        checkAmounts(tokens, nanoUsd);
        store.write(() -> {
            Held h = held.remove(reservationId);
            settle(b, periodStart, h == null ? 0 : h.tokens(), h == null ? 0 : h.nanoUsd(), tokens, nanoUsd, calls);
            return null;
        });
    }

    @Override
    public int reclaimExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        return store.write(() -> {
            List<String> expired = new ArrayList<>();
            held.forEach((id, h) -> {
                if (!h.expiresAt().isAfter(now)) {
                    expired.add(id);
                }
            });
            for (String id : expired) {
                Held h = held.remove(id);
                List<Object> k = List.of(h.experimentId(), h.name(), h.periodStart());
                BudgetUsage u = usage.get(k);
                if (u != null) {
                    usage.put(k, new BudgetUsage(u.experimentId(), u.budgetName(), u.periodStart(), u.spentTokens(),
                            u.spentNanoUsd(), Math.max(0, u.reservedTokens() - h.tokens()),
                            Math.max(0, u.reservedNanoUsd() - h.nanoUsd()), u.calls(), u.skipped(),
                            u.alertedPercent()));
                }
            }
            return expired.size();
        });
    }

    @Override
    public int heldReservations(String experimentId, String name) {
        return store.read(() -> (int) held.values().stream()
                .filter(h -> h.experimentId().equals(experimentId) && h.name().equals(name)).count());
    }
}
