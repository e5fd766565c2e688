package dev.vigil.spi.store.support;

import dev.vigil.spi.StaleWriteException;
import dev.vigil.spi.store.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Lease arithmetic every store shares. A lease is held while the store's clock reads strictly before its
 * {@code expiresAt}. Acquiring a lease its owner still holds renews it with the same fencing token; acquiring a
 * free or expired one gives a token greater than every token issued for that resource before (even after a
 * release); renewing or releasing needs the same owner and token as the stored lease.
 *
 * <p>Fencing: a write made under a lease carries its token; {@link #checkFence} refuses a token below the highest
 * one the written record has accepted, so a holder whose lease expired cannot overwrite its successor's work.
 * Stores call it where they keep a fenced record (cursors and checkpoints).
 */
public final class LeaseRules {
    private LeaseRules() {}

    /**
     * @param lease a lease, or null
     * @param now the store's clock
     * @return true if the lease is held at {@code now}
     */
    public static boolean isHeld(Lease lease, Instant now) {
        return lease != null && now.isBefore(lease.expiresAt());
    }

    /**
     * @param current the stored lease of the resource, or null
     * @param resource the resource
     * @param owner who asks
     * @param ttl how long the lease lasts from {@code now}
     * @param now the store's clock
     * @param lastToken the highest token issued for this resource so far (0 if none)
     * @return the lease to store (with the same token when the owner renews, {@code lastToken + 1} when it is
     *     new), or empty if another owner holds it
     */
    public static Optional<Lease> acquire(Lease current, String resource, String owner, Duration ttl, Instant now,
            long lastToken) {
        if (isHeld(current, now)) {
            return current.owner().equals(owner)
                    ? Optional.of(new Lease(resource, owner, current.token(), now.plus(ttl)))
                    : Optional.empty();
        }
        return Optional.of(new Lease(resource, owner, lastToken + 1, now.plus(ttl)));
    }

    /**
     * @param current the stored lease of the resource, or null
     * @param presented the lease the caller holds
     * @return true if the stored lease is the presented one (same owner and token), so renew and release apply
     */
    public static boolean sameHolder(Lease current, Lease presented) {
        return current != null && current.owner().equals(presented.owner()) && current.token() == presented.token();
    }

    /**
     * @param current the stored lease of the resource, or null
     * @param presented the lease the caller holds
     * @param ttl the new time-to-live from {@code now}
     * @param now the store's clock
     * @return the renewed lease to store, or empty if the caller no longer holds it
     */
    public static Optional<Lease> renew(Lease current, Lease presented, Duration ttl, Instant now) {
        return sameHolder(current, presented)
                ? Optional.of(new Lease(presented.resource(), presented.owner(), presented.token(), now.plus(ttl)))
                : Optional.empty();
    }

    /**
     * @param what the fenced record, e.g. {@code "cursor 'engine'"}
     * @param highestAccepted the highest token the record has accepted so far (0 if none)
     * @param presented the token of the lease the write is made under
     * @throws StaleWriteException if the token is below the highest accepted one
     */
    public static void checkFence(String what, long highestAccepted, long presented) {
        if (presented < highestAccepted) {
            throw new StaleWriteException(what + " was written under lease token " + highestAccepted
                    + "; a write under the older token " + presented + " is refused (its lease expired and another "
                    + "holder took over)");
        }
    }
}
