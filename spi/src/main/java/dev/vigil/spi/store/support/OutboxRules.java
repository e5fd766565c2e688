package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.store.OutboxEntry;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The rules every backend's {@link dev.vigil.spi.store.NotificationOutbox} applies the same way. */
public final class OutboxRules {
    private OutboxRules() {}

    /**
     * @param entry an entry to record
     * @throws InvalidInputException if it is null, already taken or sent
     */
    public static void requireNew(OutboxEntry entry) {
        if (entry == null) {
            throw new InvalidInputException("record needs an outbox entry, got null");
        }
        if (entry.attempts() != 0 || entry.leaseUntil() != null || entry.sentAt() != null) {
            throw new InvalidInputException("a recorded outbox entry must be pending and never taken (0 attempts, "
                    + "no lease, not sent); got " + entry.attempts() + " attempts, lease " + entry.leaseUntil()
                    + ", sent " + entry.sentAt());
        }
    }

    /**
     * @param limit a page size
     * @throws InvalidInputException unless it is 1 or more
     */
    public static void requireLimit(int limit) {
        if (limit < 1) {
            throw new InvalidInputException("limit must be 1 or more, got " + limit);
        }
    }

    /**
     * @param now the current time
     * @param leaseUntil the end of a lease
     * @throws InvalidInputException unless the lease ends after now
     */
    public static void requireLease(Instant now, Instant leaseUntil) {
        Objects.requireNonNull(now, "now");
        if (leaseUntil == null || !leaseUntil.isAfter(now)) {
            throw new InvalidInputException("a lease must end after now (" + now + "), got " + leaseUntil);
        }
    }

    /**
     * @param entries a backend's entries
     * @param now the current time
     * @param limit at most this many
     * @return those {@linkplain #isDue due} at {@code now}, oldest first (then by id)
     */
    public static List<OutboxEntry> due(Collection<OutboxEntry> entries, Instant now, int limit) {
        requireLimit(limit);
        Objects.requireNonNull(now, "now");
        return entries.stream().filter(e -> isDue(e, now))
                .sorted(Comparator.comparing(OutboxEntry::createdAt).thenComparing(OutboxEntry::id))
                .limit(limit).toList();
    }

    /**
     * @param e an entry
     * @param now the current time
     * @return true if it is pending and no lease holds it at {@code now}
     */
    public static boolean isDue(OutboxEntry e, Instant now) {
        return e.isPending() && (e.leaseUntil() == null || !e.leaseUntil().isAfter(now));
    }
}
