package dev.vigil.spi.store;

import dev.vigil.spi.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * A notification in the {@link NotificationOutbox}: recorded as pending when the change it reports is seen, sent
 * later (and again after a crash) until it is marked sent.
 *
 * @param id the notification's stable id (receivers de-duplicate on it); one entry per id
 * @param experimentId the experiment
 * @param kind what it is about, e.g. {@code budget} or {@code monitor} (which definition holds its destinations)
 * @param subject the budget's or monitor's name
 * @param body the notification, as JSON (opaque to the store; it never holds a destination's URL or key)
 * @param createdAt when it was recorded
 * @param attempts how many times a sender took it for sending
 * @param leaseUntil until when the sender that took it last holds it (null if never taken)
 * @param sentAt when it was sent or given up on as a dead letter (null while pending)
 */
public record OutboxEntry(String id, String experimentId, String kind, String subject, String body,
        Instant createdAt, int attempts, Instant leaseUntil, Instant sentAt) {

    /** Validates. */
    public OutboxEntry {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("an outbox entry needs a non-blank id, got " + id);
        }
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
        if (attempts < 0) {
            throw new InvalidInputException("attempts must be 0 or more, got " + attempts);
        }
    }

    /**
     * @param id the notification's stable id
     * @param experimentId the experiment
     * @param kind what it is about
     * @param subject the budget's or monitor's name
     * @param body the notification as JSON
     * @param createdAt when it was recorded
     * @return a pending entry, never taken
     */
    public static OutboxEntry pending(String id, String experimentId, String kind, String subject, String body,
            Instant createdAt) {
        return new OutboxEntry(id, experimentId, kind, subject, body, createdAt, 0, null, null);
    }

    /**
     * @param until the end of the lease
     * @return this entry taken by a sender until then (one more attempt)
     */
    public OutboxEntry taken(Instant until) {
        return new OutboxEntry(id, experimentId, kind, subject, body, createdAt, attempts + 1, until, null);
    }

    /**
     * @param at when it was sent
     * @return this entry marked sent (no lease)
     */
    public OutboxEntry sent(Instant at) {
        return new OutboxEntry(id, experimentId, kind, subject, body, createdAt, attempts, null, at);
    }

    /** @return true until it is marked sent */
    public boolean isPending() {
        return sentAt == null;
    }
}
