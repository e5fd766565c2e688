package dev.vigil.core.budget;

import dev.vigil.core.engine.internal.CallGuard;
import dev.vigil.core.metrics.JudgeUsage;
import dev.vigil.spi.model.AssessmentError;
import dev.vigil.spi.model.AssessmentSourceType;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.Budget;
import dev.vigil.spi.store.BudgetAction;
import dev.vigil.spi.store.BudgetStore;
import dev.vigil.spi.store.BudgetUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces budgets on LLM-judge calls through the store's counters, so every engine sharing the store enforces the
 * same budget. Before a judge call, each STOP budget covering the scorer gets the call's estimated cost reserved
 * (the mean tokens and cost per call settled so far this period, else in the previous period, else the last
 * call this guard saw, else 0); if
 * one refuses, the call is skipped as {@value #BUDGET_EXCEEDED} (no assessment) and counted as a skip. After the
 * call the reservation is settled with the usage the judge reported in its feedback metadata
 * ({@link JudgeUsage}). ALERT budgets only count. Every budget raises an alert when its spend reaches 80 % and
 * 100 % of a limit (a STOP budget also at its first refused call: it is used up), once per threshold and period
 * across engines and restarts: the alert is handed to the sink (which records it durably, see
 * {@link BudgetNotifications}) <em>before</em> the store's alert mark is raised, and the mark only once the sink
 * took it, so a crash in between leaves an alert to send rather than a mark without one (at-least-once; the alert's
 * stable id makes a second hand-over of the same crossing a no-op).
 *
 * <p>A reservation is held in the store under a random id until {@code reservationTtl} after the call started; one
 * never settled (its engine died mid-call) is returned to the budget by whichever engine next runs
 * {@link BudgetStore#reclaimExpired} — every guard does at most every {@code reservationTtl / 4} of its clock, and
 * before it refuses a call. The TTL must exceed the longest a judge call may take (the scorer timeout).
 *
 * <p>Bound: engines never reserve past a limit, so overspend comes only from calls that used more than their
 * estimate — at most one call per call in flight, and none while estimates match real usage. A judge call is
 * admitted once it holds its provider's concurrency slot ({@link dev.vigil.core.engine.internal.ScorerRunner}), so an
 * engine has at most that many calls in flight (one with a provider concurrency of 1). With no usage known yet
 * (a new scorer) a call reserves 0, so those first calls in flight are admitted while anything is left. Only scorers whose source is an LLM judge are guarded. A store failure while
 * reserving admits the call (logged): the engine cannot store results either while the store is down.
 */
public final class BudgetGuard implements CallGuard {

    /** The failure code of a call skipped by a budget. */
    public static final String BUDGET_EXCEEDED = "BUDGET_EXCEEDED";

    private static final Logger LOG = LoggerFactory.getLogger(BudgetGuard.class);

    private final BudgetStore budgets;
    private final Clock clock;
    private final Consumer<BudgetAlert> alerts;
    private final Duration reservationTtl;
    private final AtomicReference<Instant> nextReclaim = new AtomicReference<>(Instant.MIN);
    /** experiment\0scorer → {tokens, nano-USD} per call, last seen. */
    private final Map<String, long[]> lastMean = new ConcurrentHashMap<>();

    /**
     * @param budgets the store's budgets
     * @param clock the clock (which period a call counts in)
     * @param alerts where ALERT budgets' alerts go
     */
    public BudgetGuard(BudgetStore budgets, Clock clock, Consumer<BudgetAlert> alerts) {
        this(budgets, clock, alerts, DEFAULT_RESERVATION_TTL);
    }

    /**
     * @param budgets the store's budgets
     * @param clock the clock (which period a call counts in, when reservations expire)
     * @param alerts where budgets' alerts go
     * @param reservationTtl how long a call's reservation is held before it may be reclaimed (longer than any
     *     judge call may take; at least 1 second)
     */
    public BudgetGuard(BudgetStore budgets, Clock clock, Consumer<BudgetAlert> alerts, Duration reservationTtl) {
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        if (reservationTtl == null || reservationTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the reservation TTL must be 1 second or more, got " + reservationTtl);
        }
        this.reservationTtl = reservationTtl;
    }

    /** The default time a reservation is held before it may be reclaimed. */
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(10);

    /** @return an alert sink that logs a warning */
    public static Consumer<BudgetAlert> logAlerts() {
        return a -> LOG.warn("{} [alert {}]", a.describe(), a.id());
    }

    private record Held(Budget budget, Instant period, String id, long tokens, long nanoUsd) {}

    /** Returns expired reservations of dead engines, at most every TTL / 4 unless forced. */
    private int reclaim(Instant now, boolean force) {
        Instant next = nextReclaim.get();
        if (!force && now.isBefore(next)) {
            return 0;
        }
        if (!nextReclaim.compareAndSet(next, now.plus(reservationTtl.dividedBy(4))) && !force) {
            return 0; // another thread of this engine is reclaiming
        }
        try {
            int n = budgets.reclaimExpired(now);
            if (n > 0) {
                LOG.info("returned {} budget reservation{} held past {} by calls never settled (an engine stopped "
                        + "mid-call)", n, n == 1 ? "" : "s", reservationTtl);
            }
            return n;
        } catch (RuntimeException e) {
            LOG.warn("expired budget reservations could not be reclaimed; trying again later: {}", e.toString());
            return 0;
        }
    }

    @Override
    public Permit admit(String experimentId, String scorerName, Scorer scorer) {
        if (experimentId == null || !isJudge(scorer)) {
            return Permit.GRANTED;
        }
        List<Held> held = new ArrayList<>();
        try {
            List<Budget> covering = new ArrayList<>();
            for (Budget b : budgets.list(experimentId)) {
                if (b.covers(scorerName)) {
                    covering.add(b);
                }
            }
            if (covering.isEmpty()) {
                return Permit.GRANTED;
            }
            Instant now = clock.instant();
            reclaim(now, false);
            for (Budget b : covering) {
                Instant period = b.period().start(now);
                if (b.action() != BudgetAction.STOP) {
                    held.add(new Held(b, period, null, 0, 0));
                    continue;
                }
                long[] est = estimate(b, period, experimentId, scorerName);
                String id = UUID.randomUUID().toString();
                Instant expires = now.plus(reservationTtl);
                boolean reserved = budgets.reserve(b, period, id, est[0], est[1], expires)
                        || (reclaim(now, true) > 0 && budgets.reserve(b, period, id, est[0], est[1], expires));
                if (!reserved) {
                    release(held);
                    budgets.recordSkip(b, period);
                    BudgetUsage u = budgets.usage(experimentId, b.name(), period);
                    alertExhausted(b, period, u);
                    return refused(AssessmentError.of(BUDGET_EXCEEDED, "scorer '" + scorerName + "' not called: "
                            + "budget '" + b.name() + "' is used up this " + b.period().name().toLowerCase(Locale.ROOT)
                            + " (" + spend(b, u) + "); calls resume at " + b.period().next(now)
                            + " or when the budget is raised"));
                }
                held.add(new Held(b, period, id, est[0], est[1]));
            }
        } catch (RuntimeException e) {
            LOG.warn("budgets of experiment {} could not be checked before a call of scorer '{}'; calling it: {}",
                    experimentId, scorerName, e.toString());
            release(held);
            return Permit.GRANTED;
        }
        String meanKey = experimentId + '\u0000' + scorerName;
        return new Permit() {
            @Override
            public AssessmentError refusal() {
                return null;
            }

            @Override
            public void settle(List<Feedback> feedback) {
                long[] used = usage(feedback);
                int calls = used[2] > 0 ? 1 : 0;
                if (calls == 1) {
                    lastMean.put(meanKey, new long[] {used[0], used[1]});
                }
                for (Held h : held) {
                    try {
                        if (h.id() == null) {
                            budgets.settle(h.budget(), h.period(), 0, 0, used[0], used[1], calls);
                        } else {
                            budgets.settle(h.budget(), h.period(), h.id(), used[0], used[1], calls);
                        }
                        checkAlert(h.budget(), h.period());
                    } catch (RuntimeException e) {
                        LOG.warn("could not settle a call of scorer '{}' against budget '{}': {}", scorerName,
                                h.budget().name(), e.toString());
                    }
                }
            }
        };
    }

    private static Permit refused(AssessmentError why) {
        return new Permit() {
            @Override
            public AssessmentError refusal() {
                return why;
            }

            @Override
            public void settle(List<Feedback> feedback) {}
        };
    }

    private void release(List<Held> held) {
        for (Held h : held) {
            if (h.id() != null && (h.tokens() > 0 || h.nanoUsd() > 0)) {
                try {
                    budgets.settle(h.budget(), h.period(), h.id(), 0, 0, 0);
                } catch (RuntimeException e) {
                    LOG.warn("could not release a reservation on budget '{}': {}", h.budget().name(), e.toString());
                }
            }
        }
    }

    private long[] estimate(Budget b, Instant period, String experimentId, String scorerName) {
        BudgetUsage u = budgets.usage(experimentId, b.name(), period);
        if (u.calls() > 0) {
            return new long[] {ceilDiv(u.spentTokens(), u.calls()), ceilDiv(u.spentNanoUsd(), u.calls())};
        }
        BudgetUsage before = budgets.usage(experimentId, b.name(), b.period().start(period.minusNanos(1)));
        if (before.calls() > 0) {
            return new long[] {ceilDiv(before.spentTokens(), before.calls()),
                    ceilDiv(before.spentNanoUsd(), before.calls())};
        }
        long[] last = lastMean.get(experimentId + '\u0000' + scorerName);
        return last == null ? new long[] {0, 0} : last.clone();
    }

    private static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }

    private void checkAlert(Budget b, Instant period) {
        BudgetUsage u = budgets.usage(b.experimentId(), b.name(), period);
        double fraction = Math.max(
                b.maxTokens() > 0 ? (double) u.spentTokens() / b.maxTokens() : 0,
                b.maxNanoUsd() > 0 ? (double) u.spentNanoUsd() / b.maxNanoUsd() : 0);
        int percent = fraction >= 1 ? 100 : fraction >= 0.8 ? 80 : 0;
        if (percent > u.alertedPercent()) {
            raise(b, period, u, percent);
        }
    }

    /** A STOP budget refused a call: it is used up, whatever share its spend reached (estimates run ahead). */
    private void alertExhausted(Budget b, Instant period, BudgetUsage u) {
        try {
            if (u.alertedPercent() < 100) {
                raise(b, period, u, 100);
            }
        } catch (RuntimeException e) {
            LOG.warn("the alert mark of budget '{}' could not be raised: {}", b.name(), e.toString());
        }
    }

    /**
     * Hands the alert over first (recorded durably by the sink), then raises the mark; an alert not handed over
     * leaves the mark down, so the next settled call raises it again.
     */
    private void raise(Budget b, Instant period, BudgetUsage u, int percent) {
        String id = alertId(b, period, percent);
        try {
            alerts.accept(new BudgetAlert(id, b, u, percent, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("budget alert {} could not be handed over; raised again at the next call: {}", id,
                    e.toString());
            return;
        }
        budgets.markAlerted(b, period, percent);
    }

    /**
     * @param b a budget
     * @param period the start of one of its periods
     * @param percent a threshold (80 or 100)
     * @return the stable id of its alert in that period
     */
    public static String alertId(Budget b, Instant period, int percent) {
        return "budget-" + b.experimentId() + "-" + b.name() + "-" + period.toEpochMilli() + "-" + percent;
    }

    /** Sums the usage the feedback reports: {tokens, nano-USD, 1 if any usage was reported}. */
    static long[] usage(List<Feedback> feedback) {
        long tokens = 0;
        long nanoUsd = 0;
        boolean any = false;
        for (Feedback f : feedback) {
            Map<String, String> md = f.metadata();
            if (md == null || md.isEmpty()) {
                continue;
            }
            String in = md.get(JudgeUsage.INPUT_TOKENS);
            String out = md.get(JudgeUsage.OUTPUT_TOKENS);
            String cost = md.get(JudgeUsage.COST_USD);
            if (in == null && out == null && cost == null) {
                continue;
            }
            any = true;
            tokens += parseLong(in) + parseLong(out);
            nanoUsd += BudgetUsage.toNanoUsd(parseDouble(cost));
        }
        return new long[] {tokens, nanoUsd, any ? 1 : 0};
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double parseDouble(String s) {
        try {
            double d = s == null ? 0 : Double.parseDouble(s.trim());
            return Double.isFinite(d) && d > 0 ? d : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isJudge(Scorer scorer) {
        try {
            return scorer.source() != null && scorer.source().type() == AssessmentSourceType.LLM_JUDGE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * @param b a budget
     * @param u its counters
     * @return "12,345 of 100,000 tokens, $0.42 of $5.00" (the limits set)
     */
    static String spend(Budget b, BudgetUsage u) {
        List<String> parts = new ArrayList<>();
        if (b.maxTokens() > 0) {
            parts.add(String.format(Locale.ROOT, "%,d of %,d tokens", u.spentTokens(), b.maxTokens()));
        }
        if (b.maxUsd() > 0) {
            parts.add(String.format(Locale.ROOT, "$%.4f of $%.2f", u.spentUsd(), b.maxUsd()));
        }
        return String.join(", ", parts);
    }
}
