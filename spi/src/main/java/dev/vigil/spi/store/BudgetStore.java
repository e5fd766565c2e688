package dev.vigil.spi.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Budgets on LLM-judge spend and their per-period counters. The store keeps the counters, so every engine sharing
 * it enforces the same budget: {@link #reserve} is atomic (on a shared database a single conditional update), so
 * engines together never reserve past a limit.
 *
 * <p>A call in flight holds its reservation under an id until it settles it ({@link #settle(Budget, Instant,
 * String, long, long, int)}); a reservation of an engine that died is never settled, so it is held only until its
 * expiry: {@link #reclaimExpired(Instant)} returns it to the budget, and a settle arriving after that adds the
 * usage without releasing the amount twice.
 */
public interface BudgetStore {

    /**
     * Creates or replaces a budget (its counters are kept).
     *
     * @param budget the budget
     * @return it, as stored
     * @throws dev.vigil.spi.InvalidInputException if the experiment does not exist
     */
    Budget put(Budget budget);

    /**
     * @param experimentId the experiment
     * @param name the budget
     * @return it, if set
     */
    Optional<Budget> get(String experimentId, String name);

    /**
     * @param experimentId the experiment
     * @return its budgets, ordered by name
     */
    List<Budget> list(String experimentId);

    /**
     * Deletes a budget and its counters.
     *
     * @param experimentId the experiment
     * @param name the budget
     * @return true if it existed
     */
    boolean delete(String experimentId, String name);

    /**
     * @param experimentId the experiment
     * @param name the budget
     * @param periodStart the start of a period
     * @return its counters for that period ({@link BudgetUsage#empty} when there was no activity)
     */
    BudgetUsage usage(String experimentId, String name, Instant periodStart);

    /**
     * Atomically reserves an amount against a budget's period if it {@linkplain BudgetUsage#fits fits} the
     * budget's limits (as passed in: the caller's current view of the budget).
     *
     * @param budget the budget
     * @param periodStart the period
     * @param tokens tokens to reserve, 0 or more
     * @param nanoUsd nano-dollars to reserve, 0 or more
     * @return true if reserved, false if it would pass a limit (nothing changed)
     */
    boolean reserve(Budget budget, Instant periodStart, long tokens, long nanoUsd);

    /**
     * Settles a call: releases what it reserved and adds what it really used.
     *
     * @param budget the budget
     * @param periodStart the period the reservation was made in
     * @param reservedTokens tokens it reserved
     * @param reservedNanoUsd nano-dollars it reserved
     * @param tokens tokens used
     * @param nanoUsd nano-dollars used
     * @param calls 1 to count the call (it reported usage), 0 to only release the reservation
     */
    void settle(Budget budget, Instant periodStart, long reservedTokens, long reservedNanoUsd, long tokens,
            long nanoUsd, int calls);

    /**
     * Counts a call skipped because the budget was exhausted.
     *
     * @param budget the budget
     * @param periodStart the period
     */
    void recordSkip(Budget budget, Instant periodStart);

    /**
     * Raises the period's alert mark to {@code percent} if it is below: the one caller that gets true sends the
     * alert, so several engines notify once.
     *
     * @param budget the budget
     * @param periodStart the period
     * @param percent the threshold reached (80 or 100)
     * @return true if the mark was raised by this call
     */
    boolean markAlerted(Budget budget, Instant periodStart, int percent);

    /**
     * Like {@link #reserve(Budget, Instant, long, long)}, and keeps the reservation under an id until
     * {@code expiresAt}, so that one never settled (its engine died) is reclaimed by {@link #reclaimExpired}.
     * Nothing is kept for an empty reservation (0 tokens and 0 nano-dollars).
     *
     * @param budget the budget
     * @param periodStart the period
     * @param reservationId a new, unique id (e.g. a random UUID)
     * @param tokens tokens to reserve, 0 or more
     * @param nanoUsd nano-dollars to reserve, 0 or more
     * @param expiresAt when an unsettled reservation may be reclaimed
     * @return true if reserved, false if it would pass a limit (nothing changed)
     */
    boolean reserve(Budget budget, Instant periodStart, String reservationId, long tokens, long nanoUsd,
            Instant expiresAt);

    /**
     * Settles a call that reserved with an id: releases what the reservation still holds (nothing if it was
     * reclaimed) and adds what the call really used.
     *
     * @param budget the budget
     * @param periodStart the period the reservation was made in
     * @param reservationId the reservation's id
     * @param tokens tokens used
     * @param nanoUsd nano-dollars used
     * @param calls 1 to count the call (it reported usage), 0 to only release the reservation
     */
    void settle(Budget budget, Instant periodStart, String reservationId, long tokens, long nanoUsd, int calls);

    /**
     * Returns every reservation held past its expiry (by a call whose engine died before settling it) to its
     * budget's counters, whichever engine made it. Safe to call from several engines at once: each reservation is
     * returned once.
     *
     * @param now the current time
     * @return how many reservations were reclaimed
     */
    int reclaimExpired(Instant now);

    /**
     * @param experimentId the experiment
     * @param name the budget
     * @return how many reservations (with an id) are held on it now, in any period
     */
    int heldReservations(String experimentId, String name);
}
