package dev.vigil.core.engine.internal;

import dev.vigil.core.engine.EngineOptions;
import dev.vigil.core.metrics.EngineMetrics;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's background loop, one turn after another until the engine closes: keep the partition leases, read
 * and dispatch one batch of arrivals, commit the cursors, drain the retry queue; wait for a signal or the poll
 * interval when a turn made no progress. A failing turn is reported and retried after the poll interval; it never
 * ends the loop.
 */
final class TailLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TailLoop.class);

    private final PartitionTable table;
    private final ArrivalReader reader;
    private final RetryDrain retries;
    private final LoopSignal signal;
    private final EngineMetrics metrics;
    private final EngineOptions options;
    private final BooleanSupplier stopping;

    TailLoop(PartitionTable table, ArrivalReader reader, RetryDrain retries, LoopSignal signal, EngineMetrics metrics,
            EngineOptions options, BooleanSupplier stopping) {
        this.table = table;
        this.reader = reader;
        this.retries = retries;
        this.signal = signal;
        this.metrics = metrics;
        this.options = options;
        this.stopping = stopping;
    }

    @Override
    public void run() {
        while (!stopping.getAsBoolean()) {
            try {
                table.maintain(false);
                boolean progressed = reader.readOnce();
                table.commitAll();
                progressed |= retries.drain(!table.held().isEmpty());
                metrics.loopSucceeded();
                if (!progressed) {
                    signal.await(options.pollInterval());
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                if (stopping.getAsBoolean()) {
                    break;
                }
                metrics.loopFailed(t);
                LOG.warn("engine {}: tail loop failed, retrying in {}: {}", options.engineId(),
                        options.pollInterval(), t.toString(), t);
                signal.await(options.pollInterval());
            }
        }
    }
}
