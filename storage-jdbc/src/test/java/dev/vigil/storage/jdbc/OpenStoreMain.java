package dev.vigil.storage.jdbc;

import dev.vigil.spi.VigilException;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.SpanStatus;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A child JVM for {@link MissingDriverTest}: opens the store at {@code args[0]} through {@link Stores#open(String)},
 * as an application would, then writes a trace and reads it back. Prints {@code read <traceId>} and exits 0, or
 * prints {@code error <class>: <message>} and exits 2.
 */
public final class OpenStoreMain {

    private OpenStoreMain() {}

    /** @param args the store URL */
    public static void main(String[] args) {
        try (Store store = Stores.open(args[0])) {
            String experimentId = store.experiments().getOrCreate("drivers").experimentId();
            Trace t = trace("tr-driver", experimentId, Instant.parse("2026-01-01T00:00:00Z"));
            store.traces().put(List.of(t));
            System.out.println("read " + store.traces().get("tr-driver").orElseThrow().info().traceId());
        } catch (VigilException e) {
            System.out.println("error " + e.getClass().getName() + ": " + e.getMessage());
            System.exit(2);
        }
    }

    // built here rather than borrowed from a test class, so that the child loads no JUnit or AssertJ class
    private static Trace trace(String id, String experimentId, Instant time) {
        TraceInfo info = TraceInfo.builder().traceId(id).experimentId(experimentId).requestTime(time)
                .executionDurationMs(42L).state(TraceState.OK).requestPreview("q").responsePreview("a").build();
        long start = time.toEpochMilli() * 1_000_000L;
        Span root = new Span(id, "span-" + id, null, "root", start, start + 42_000_000L, SpanStatus.UNSET, "CHAIN",
                Map.of("q", "hi"), Map.of("a", "ok"), Map.of(), List.of());
        return new Trace(info, List.of(root));
    }
}
