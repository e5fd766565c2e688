package dev.vigil.spi.notify;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a notifier may use while sending: a clock and a sleeper (injected, so retries run on a simulated clock in
 * tests), the dashboard's base URL if a server is configured, and where to put a notification that could not be
 * delivered after the last try.
 *
 * @param clock the time source
 * @param sleeper waits between retries
 * @param dashboardUrl the server's base URL, if configured, for links in messages
 * @param deadLetters receives notifications given up on
 */
public record NotifierContext(InstantSource clock, Sleeper sleeper, Optional<String> dashboardUrl,
        Consumer<DeadLetter> deadLetters) {

    /** Validates. */
    public NotifierContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        dashboardUrl = dashboardUrl == null ? Optional.empty() : dashboardUrl;
        Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /** Waits, e.g. {@code Thread::sleep} in production or a simulated clock's advance in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * @param duration how long
         * @throws InterruptedException if interrupted
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * A notification given up on after the last try.
     *
     * @param notification the notification
     * @param notifierType the notifier's type
     * @param attempts how many tries were made
     * @param lastError the last failure, with no secret in it
     */
    public record DeadLetter(Notification notification, String notifierType, int attempts, String lastError) {}
}
