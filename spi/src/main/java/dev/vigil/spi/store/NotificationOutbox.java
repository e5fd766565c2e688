package dev.vigil.spi.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable outbox of alert notifications (budget thresholds, monitor transitions): a change is recorded here as
 * a pending entry before it is marked as alerted, and senders deliver pending entries and mark them sent. An
 * engine that crashes between the two leaves the entry pending, and whichever engine drains the outbox next sends
 * it: delivery is at-least-once, with one entry per notification id however many engines record it.
 *
 * <p>A sender {@linkplain #claim takes} an entry under a lease before sending, so two engines do not send it at
 * once; a lease of a sender that died expires and the entry is due again.
 */
public interface NotificationOutbox {

    /**
     * Records a pending entry unless one with its id is already recorded (pending or sent).
     *
     * @param entry the entry, pending
     * @return true if it was new
     * @throws dev.vigil.spi.InvalidInputException if the entry is already marked sent or taken
     */
    boolean record(OutboxEntry entry);

    /**
     * @param id a notification id
     * @return its entry, if recorded
     */
    Optional<OutboxEntry> get(String id);

    /**
     * @param now the current time
     * @param limit at most this many, 1 or more
     * @return pending entries not held by a lease at {@code now}, oldest first (then by id)
     */
    List<OutboxEntry> due(Instant now, int limit);

    /**
     * Takes a pending entry for sending until {@code leaseUntil}, if no unexpired lease holds it, and counts an
     * attempt. Of several engines taking it at once, one gets true.
     *
     * @param id the notification id
     * @param now the current time
     * @param leaseUntil until when this sender holds it
     * @return true if taken
     */
    boolean claim(String id, Instant now, Instant leaseUntil);

    /**
     * Marks an entry sent (delivered, or given up on and kept as a dead letter); it is never due again.
     *
     * @param id the notification id
     * @param at when
     * @return true if it was pending
     */
    boolean markSent(String id, Instant at);
}
