package dev.vigil.python.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The sandbox's limits and sizes, validated by {@code PythonSandbox.Builder}.
 *
 * @param timeBudget the most one call may run
 * @param loadBudget the most loading a scorer's source (its module-level code) may run
 * @param allocationBudgetBytes the most one call may allocate (0: unlimited)
 * @param contexts in-process contexts (worker threads)
 * @param outputLimitBytes how much a call may print before print() fails
 * @param optimizingRuntime whether to use the optimizing Truffle runtime when the JVM has it
 * @param quarantineAfterOverruns consecutive overruns (time or memory) after which a scorer is quarantined
 * @param processes child JVMs of the PROCESS level
 * @param processHeapMb each child JVM's -Xmx
 * @param cancelGrace how long a stuck call is given to honour an interrupt, then a close, before its thread is
 *     written off
 */
public record SandboxSettings(Duration timeBudget, Duration loadBudget, long allocationBudgetBytes, int contexts,
        int outputLimitBytes, boolean optimizingRuntime, int quarantineAfterOverruns, int processes,
        int processHeapMb, Duration cancelGrace) {
    /** Validates. */
    public SandboxSettings {
        Objects.requireNonNull(timeBudget, "timeBudget");
        Objects.requireNonNull(loadBudget, "loadBudget");
        Objects.requireNonNull(cancelGrace, "cancelGrace");
    }
}
