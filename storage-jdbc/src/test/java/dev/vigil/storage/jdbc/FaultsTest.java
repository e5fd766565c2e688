package dev.vigil.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.spi.StoreException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.StoreOptions;
import dev.vigil.spi.store.Stores;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TraceQuery;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad input and faults: injection attempts, a database that is down, an exhausted pool, a restart mid-write. */
class FaultsTest {

    /** Threads of their own: the common pool may have a single thread on a small machine. */
    private static final java.util.concurrent.Executor THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "faults-test");
        t.setDaemon(true);
        return t;
    });

    private static final String INJECTION = "x'); DROP TABLE traces; --";

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void injectionAttempts_inNamesKeysAndFilters_areStoredAndMatchedLiterally(Dialect dialect) {
        try (JdbcStore store = TestDatabases.open(dialect, Clock.systemUTC())) {
            Experiment e = store.experiments().getOrCreate(INJECTION);
            Trace evil = JdbcStoreBasicsTest.trace("tr-' OR '1'='1", e.experimentId(), Instant.ofEpochMilli(5),
                    Map.of(INJECTION, "v' OR 1=1 --", "plain", "a"));
            Trace other = JdbcStoreBasicsTest.trace("tr-other", e.experimentId(), Instant.ofEpochMilli(6),
                    Map.of("plain", "a"));
            store.traces().put(List.of(evil, other));

            String filter = "tags.`" + INJECTION.replace("`", "``") + "` = 'v\\' OR 1=1 --'";
            List<Trace> hits = store.traces().scan(new TraceQuery(e.experimentId(), null, null,
                    TraceFilter.parse(filter).expr()), null, 10).traces();
            List<Trace> none = store.traces().scan(new TraceQuery(e.experimentId(), null, null,
                    TraceFilter.parse("tags.plain = 'a\\' OR \\'1\\'=\\'1'").expr()), null, 10).traces();

            assertThat(store.experiments().findByName(INJECTION)).contains(e);
            assertThat(hits).extracting(Trace::traceId).containsExactly("tr-' OR '1'='1");
            assertThat(none).isEmpty();
            assertThat(store.traces().get("tr-' OR '1'='1").orElseThrow().info().tags()).containsEntry(INJECTION,
                    "v' OR 1=1 --");
            assertThat(store.traces().count(e.experimentId())).isEqualTo(2);
        }
    }

    @Test
    void databaseDown_failsWithTheUrlAndTheMaskedPassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/vigil?user=vigil&password=s3cret";

        assertThatThrownBy(() -> Stores.open(url, new StoreOptions(Clock.systemUTC(), Map.of("pool.timeoutMs", "500"))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + port + "/vigil?user=vigil&password=***")
                .hasMessageContaining("not reachable")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void exhaustedPool_failsWithTheUrl_andTheBlockedWriteCompletesAfterwards() throws Exception {
        String url = TestDatabases.newUrl(Dialect.POSTGRESQL) + "&password=s3cret";
        try (JdbcStore store = JdbcStore.open(url, new StoreOptions(Clock.systemUTC(),
                Map.of("pool.size", "1", "pool.timeoutMs", "500")))) {
            Experiment e = store.experiments().getOrCreate("pool");
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch unlock = new CountDownLatch(1);
            // another client holds the trace-sequence row: the store's only connection waits on it inside put
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.executeUpdate("UPDATE vigil_counters SET counter_value = counter_value WHERE name = 'trace_seq'");
                    locked.countDown();
                    unlock.await(5, TimeUnit.MINUTES);
                    c.rollback();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }, THREADS);
            assertThat(locked.await(5, TimeUnit.MINUTES)).isTrue();
            CompletableFuture<Void> blockedPut = CompletableFuture.runAsync(() -> store.traces().put(List.of(
                    JdbcStoreBasicsTest.trace("tr-blocked", e.experimentId(), Instant.EPOCH, Map.of()))), THREADS);
            waitUntil(() -> {
                if (blockedPut.isDone() || holder.isDone()) {
                    throw new AssertionError("the put or the lock holder ended early: put " + blockedPut
                            + ", holder " + holder + " " + (holder.isCompletedExceptionally() ? holder.exceptionNow() : "")
                            + " " + (blockedPut.isCompletedExceptionally() ? blockedPut.exceptionNow() : ""));
                }
                return busy(store);
            });

            assertThatThrownBy(() -> store.traces().count(e.experimentId()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("no database connection from the pool")
                    .hasMessageContaining("password=***")
                    .hasMessageNotContaining("s3cret");

            unlock.countDown();
            holder.get(5, TimeUnit.MINUTES);
            blockedPut.get(5, TimeUnit.MINUTES);
            assertThat(store.traces().get("tr-blocked")).isPresent();
        }
    }

    private static boolean busy(JdbcStore store) {
        try {
            store.traces().count("nothing");
            return false;
        } catch (StoreException exhausted) {
            return true;
        }
    }

    @Test
    void postgresRestartedMidWrite_retriedWritesLoseNothingAndDuplicateNothing() throws Exception {
        TestPostgres server = TestPostgres.dedicated();
        String url = server.newDatabase();
        int batches = 30;
        int perBatch = 10;
        try (JdbcStore store = JdbcStore.open(url, new StoreOptions(Clock.systemUTC(),
                Map.of("pool.size", "2", "pool.timeoutMs", "1000")))) {
            Experiment e = store.experiments().getOrCreate("restart");
            CountDownLatch halfway = new CountDownLatch(1);
            CountDownLatch restarted = new CountDownLatch(1);
            List<Integer> failures = new ArrayList<>();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int b = 0; b < batches; b++) {
                    List<Trace> batch = new ArrayList<>();
                    List<Assessment> feedback = new ArrayList<>();
                    for (int i = 0; i < perBatch; i++) {
                        String id = String.format("tr-%03d-%02d", b, i);
                        batch.add(JdbcStoreBasicsTest.trace(id, e.experimentId(), Instant.ofEpochMilli(b * 100L + i),
                                Map.of()));
                        feedback.add(JdbcStoreBasicsTest.feedback(id, "s", 1, b));
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        try {
                            // the caller's retry: the same batch again until it is acknowledged
                            store.traces().put(batch);
                            store.assessments().upsertScorerFeedback(feedback);
                            break;
                        } catch (StoreException down) {
                            failures.add(b);
                            if (System.nanoTime() > deadline) {
                                throw down;
                            }
                            sleep(100);
                        }
                    }
                    if (b == batches / 3) {
                        halfway.countDown();
                        await(restarted); // keep writing only once the server is going down
                    }
                }
            }, THREADS);
            assertThat(halfway.await(5, TimeUnit.MINUTES)).isTrue();
            server.stop();
            restarted.countDown();
            sleep(1500);
            server.start();
            writer.get(10, TimeUnit.MINUTES);

            assertThat(failures).as("writes failed while the server was down").isNotEmpty();
            assertThat(store.traces().count(e.experimentId())).isEqualTo(batches * perBatch);
            List<TailEntry> tail = store.traces().tail(0, 10_000);
            Set<String> ids = new HashSet<>();
            tail.forEach(t -> ids.add(t.trace().traceId()));
            assertThat(tail).hasSize(batches * perBatch);
            assertThat(ids).hasSize(batches * perBatch);
            for (TailEntry t : tail) {
                assertThat(t.trace().info().assessments()).as(t.trace().traceId()).hasSize(1);
            }
        } finally {
            server.stop();
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            sleep(50);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
