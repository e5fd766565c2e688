package dev.vigil.core.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog on an injected ticker (its own scanner sleeps an hour, so only the test's {@code scan()} calls
 * expire anything): a platform thread's watch is kept and re-armed per call, and a closed watch never interrupts.
 */
class WatchdogTest {

    private final AtomicLong now = new AtomicLong();
    private final Watchdog watchdog = new Watchdog(now::get, Duration.ofHours(1));

    @AfterEach
    void close() {
        watchdog.close();
        Thread.interrupted();
    }

    @Test
    void overdueCall_isInterrupted_andTheThreadsNextCallStartsClean() {
        Watchdog.Watch w = watchdog.start(100);
        now.addAndGet(100);
        watchdog.scan();
        assertThat(w.timedOut()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        w.close();
        assertThat(Thread.currentThread().isInterrupted()).as("close clears the watchdog's interrupt").isFalse();

        Watchdog.Watch again = watchdog.start(100);
        assertThat(again).as("a platform thread re-arms its kept watch").isSameAs(w);
        assertThat(again.timedOut()).isFalse();
        now.addAndGet(99);
        watchdog.scan();
        assertThat(again.timedOut()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        again.close();
        assertThat(watchdog.registered()).isEqualTo(1);
    }

    @Test
    void aClosedWatch_neverInterruptsLater() {
        Watchdog.Watch w = watchdog.start(100);
        w.close();
        now.addAndGet(1_000);
        watchdog.scan();
        assertThat(w.timedOut()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCallInsideACall_getsItsOwnWatch_andBothDeadlinesHold() {
        Watchdog.Watch outer = watchdog.start(1_000);
        Watchdog.Watch inner = watchdog.start(100);
        assertThat(inner).isNotSameAs(outer);
        now.addAndGet(100);
        watchdog.scan();
        assertThat(inner.timedOut()).isTrue();
        assertThat(outer.timedOut()).isFalse();
        inner.close();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        now.addAndGet(900);
        watchdog.scan();
        assertThat(outer.timedOut()).isTrue();
        outer.close();
        assertThat(watchdog.registered()).as("the inner watch left, the kept one stays").isEqualTo(1);
    }

    @Test
    void virtualThreads_registerAWatchPerCall_andLeaveNoneBehind() throws Exception {
        AtomicInteger during = new AtomicInteger();
        Thread t = Thread.ofVirtual().start(() -> {
            try (Watchdog.Watch w = watchdog.start(100)) {
                during.set(watchdog.registered());
            }
        });
        t.join();
        assertThat(during.get()).isEqualTo(1);
        assertThat(watchdog.registered()).isZero();
    }

    @Test
    void theKeptWatchOfAnEndedThread_isDroppedByTheNextScan() throws Exception {
        Thread t = Thread.ofPlatform().start(() -> watchdog.start(100).close());
        t.join();
        assertThat(watchdog.registered()).isEqualTo(1);
        watchdog.scan();
        assertThat(watchdog.registered()).isZero();
    }
}
