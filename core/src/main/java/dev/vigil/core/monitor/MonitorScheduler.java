package dev.vigil.core.monitor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link MonitorService#evaluateDue(String)} for one experiment on a background thread every {@code tick}
 * (each monitor still runs on its own period). A failing evaluation is logged and retried at the next tick; it
 * never stops the engine beside it. Notifications (with their retries) are sent on this thread, not the engine's;
 * each tick also sends those left pending in the store's outbox ({@link MonitorService#drainOutbox()}).
 */
public final class MonitorScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorScheduler.class);

    private final ScheduledExecutorService executor;

    /**
     * Starts evaluating at once.
     *
     * @param service the monitors
     * @param experimentId the experiment whose monitors run
     * @param tick how often due monitors are looked for (1 second or more)
     */
    public MonitorScheduler(MonitorService service, String experimentId, Duration tick) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(experimentId, "experimentId");
        if (tick.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("tick must be 1 second or more, got " + tick);
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("vigil-monitors").daemon()
                .factory());
        executor.scheduleWithFixedDelay(() -> {
            try {
                service.evaluateDue(experimentId);
            } catch (RuntimeException e) {
                LOG.warn("monitor evaluation failed; retrying at the next tick: {}", e.toString());
            }
            try {
                service.drainOutbox();
            } catch (RuntimeException e) {
                LOG.warn("pending notifications could not be sent; retrying at the next tick: {}", e.toString());
            }
        }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops evaluating; waits briefly for an evaluation in progress. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
