package dev.vigil.python;

import dev.vigil.python.internal.InProcessRuntime;
import dev.vigil.python.internal.LimitMessages;
import dev.vigil.python.internal.ProcessRuntime;
import dev.vigil.python.internal.SandboxSettings;
import dev.vigil.python.internal.ScorerRuntime;
import dev.vigil.spi.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where Python scorers run, and their limits: one shared GraalPy engine with a pool of contexts for
 * {@link Isolation#IN_PROCESS}, and a pool of child JVMs for {@link Isolation#PROCESS}, each started on first use.
 * Thread-safe; close it to stop its threads and child processes. Most applications use {@link #shared()}.
 *
 * <p>The default limits can be set with system properties ({@value #TIME_BUDGET_PROPERTY},
 * {@value #LOAD_BUDGET_PROPERTY}, {@value #ALLOCATION_BUDGET_PROPERTY}, {@value #OUTPUT_LIMIT_PROPERTY}); the
 * message of a scorer stopped by a limit names the limit and how to raise it.
 *
 * <p>The optimizing Truffle runtime is used when the JVM has it (JVMCI); without it GraalPy runs interpreted and one
 * warning is logged. {@link Builder#optimizingRuntime} off ({@code -Dvigil.python.optimizing=false}) cannot turn it
 * off in a CONSTRAINED engine: it logs one warning and {@link #optimizing()} reports the truth.
 */
public final class PythonSandbox implements AutoCloseable {
    /** Default time budget of one call. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(5);
    /** Default time budget of loading a scorer's source. */
    public static final Duration DEFAULT_LOAD_BUDGET = Duration.ofSeconds(30);
    /** Default allocation budget of one call. */
    public static final long DEFAULT_ALLOCATION_BUDGET_BYTES = 512L << 20;
    /** Default limit of what one call may print. */
    public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 64 << 10;
    /** Default number of consecutive overruns after which a scorer is quarantined. */
    public static final int DEFAULT_QUARANTINE_AFTER_OVERRUNS = 3;
    /** Default heap cap of a child JVM, in MiB. */
    public static final int DEFAULT_PROCESS_HEAP_MB = 768;
    /** System property that switches the optimizing runtime off ({@code false}) by default. */
    public static final String OPTIMIZING_PROPERTY = "vigil.python.optimizing";
    /** System property of the default time budget ({@code 10s}, {@code 500ms}, {@code 2m}, {@code PT10S}). */
    public static final String TIME_BUDGET_PROPERTY = LimitMessages.TIME_BUDGET_PROPERTY;
    /** System property of the default load budget (as {@link #TIME_BUDGET_PROPERTY}). */
    public static final String LOAD_BUDGET_PROPERTY = LimitMessages.LOAD_BUDGET_PROPERTY;
    /** System property of the default allocation budget ({@code 1g}, {@code 768m}, {@code 0}: none). */
    public static final String ALLOCATION_BUDGET_PROPERTY = LimitMessages.ALLOCATION_BUDGET_PROPERTY;
    /** System property of the default output limit ({@code 256k}, {@code 1m}). */
    public static final String OUTPUT_LIMIT_PROPERTY = LimitMessages.OUTPUT_LIMIT_PROPERTY;

    private static final Object SHARED_LOCK = new Object();
    private static PythonSandbox shared;

    private final SandboxSettings settings;
    private final Object lock = new Object();
    private volatile InProcessRuntime inProcess;
    private volatile ProcessRuntime process;
    private volatile boolean closed;

    private PythonSandbox(SandboxSettings settings) {
        this.settings = settings;
    }

    /** @return the sandbox with default limits, created on first use and shared by every scorer that names none */
    public static PythonSandbox shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.closed) {
                shared = builder().build();
            }
            return shared;
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the limits in force */
    SandboxSettings settings() {
        return settings;
    }

    /** @return the time budget of one call */
    public Duration timeBudget() {
        return settings.timeBudget();
    }

    /**
     * @return true if in-process scorers are compiled by the optimizing Truffle runtime (starts the in-process
     *     runtime if needed)
     */
    public boolean optimizing() {
        return ((InProcessRuntime) runtime(Isolation.IN_PROCESS)).optimizing();
    }

    /** @return how many in-process worker threads were written off (stuck in uncancellable code) */
    public int writtenOffThreads() {
        InProcessRuntime r = inProcess;
        return r == null ? 0 : r.writtenOffThreads();
    }

    ScorerRuntime runtime(Isolation isolation) {
        if (closed) {
            throw new IllegalStateException("this Python sandbox is closed");
        }
        if (isolation == Isolation.IN_PROCESS) {
            InProcessRuntime r = inProcess;
            if (r == null) {
                synchronized (lock) {
                    if (inProcess == null) {
                        inProcess = new InProcessRuntime(settings);
                    }
                    r = inProcess;
                }
            }
            return r;
        }
        ProcessRuntime r = process;
        if (r == null) {
            synchronized (lock) {
                if (process == null) {
                    process = new ProcessRuntime(settings);
                }
                r = process;
            }
        }
        return r;
    }

    /** Stops the worker threads and the child processes. Scorers of this sandbox fail afterwards. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (inProcess != null) {
                inProcess.close();
            }
            if (process != null) {
                process.close();
            }
        }
    }

    /** Builds a {@link PythonSandbox}; every setter validates on the spot. */
    public static final class Builder {
        private Duration timeBudget;
        private Duration loadBudget;
        private long allocationBudgetBytes;
        private int contexts = Runtime.getRuntime().availableProcessors();
        private int outputLimitBytes;
        private boolean optimizingRuntime = !"false".equalsIgnoreCase(System.getProperty(OPTIMIZING_PROPERTY));
        private int quarantineAfterOverruns = DEFAULT_QUARANTINE_AFTER_OVERRUNS;
        private int processes = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int processHeapMb = DEFAULT_PROCESS_HEAP_MB;
        private Duration cancelGrace = Duration.ofSeconds(1);

        private Builder() {
            // the defaults, or the system properties that override them, checked like the setters
            fromProperty(TIME_BUDGET_PROPERTY, () -> timeBudget(SandboxDefaults.timeBudget()));
            fromProperty(LOAD_BUDGET_PROPERTY, () -> loadBudget(SandboxDefaults.loadBudget()));
            fromProperty(ALLOCATION_BUDGET_PROPERTY,
                    () -> allocationBudgetBytes(SandboxDefaults.allocationBudgetBytes()));
            fromProperty(OUTPUT_LIMIT_PROPERTY, () -> outputLimitBytes(SandboxDefaults.outputLimitBytes()));
        }

        private static void fromProperty(String property, Runnable set) {
            try {
                set.run();
            } catch (InvalidInputException e) {
                String v = System.getProperty(property);
                if (v == null || e.getMessage().startsWith("system property")) {
                    throw e;
                }
                throw new InvalidInputException("system property " + property + "='" + v + "': " + e.getMessage());
            }
        }

        /** @param budget the most one call may run (10 ms – 10 min) @return this */
        public Builder timeBudget(Duration budget) {
            this.timeBudget = within("time budget", budget, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /** @param budget the most loading a scorer's source may run (10 ms – 10 min) @return this */
        public Builder loadBudget(Duration budget) {
            this.loadBudget = within("load budget", budget, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /** @param bytes the most one call may allocate; 0 for no limit @return this */
        public Builder allocationBudgetBytes(long bytes) {
            if (bytes < 0) {
                throw new InvalidInputException("the allocation budget must be ≥ 0 bytes (0: unlimited), got " + bytes);
            }
            this.allocationBudgetBytes = bytes;
            return this;
        }

        /** @param n in-process contexts (1–256), one worker thread each @return this */
        public Builder contexts(int n) {
            this.contexts = range("contexts", n, 1, 256);
            return this;
        }

        /** @param bytes how much one call may print (1 KiB – 64 MiB) @return this */
        public Builder outputLimitBytes(int bytes) {
            this.outputLimitBytes = range("output limit", bytes, 1024, 64 << 20);
            return this;
        }

        /**
         * Whether to use the optimizing Truffle runtime when the JVM has it. Off takes effect only on a JVM started
         * without JVMCI (it then runs interpreted anyway): a CONSTRAINED engine cannot switch the optimizing runtime
         * off, so with JVMCI the scorers stay compiled, a warning is logged and {@link PythonSandbox#optimizing()}
         * reports true.
         *
         * @param on use the optimizing Truffle runtime when the JVM has it
         * @return this
         */
        public Builder optimizingRuntime(boolean on) {
            this.optimizingRuntime = on;
            return this;
        }

        /** @param n consecutive overruns that quarantine a scorer (1–1000) @return this */
        public Builder quarantineAfterOverruns(int n) {
            this.quarantineAfterOverruns = range("quarantine threshold", n, 1, 1000);
            return this;
        }

        /** @param n child JVMs of the PROCESS level (1–64) @return this */
        public Builder processes(int n) {
            this.processes = range("processes", n, 1, 64);
            return this;
        }

        /** @param mb heap cap of each child JVM in MiB (256 – 65536) @return this */
        public Builder processHeapMb(int mb) {
            this.processHeapMb = range("process heap", mb, 256, 65536);
            return this;
        }

        /** @param grace how long a stuck call gets to honour an interrupt, then a close (50 ms – 1 min) @return this */
        public Builder cancelGrace(Duration grace) {
            this.cancelGrace = within("cancel grace", grace, Duration.ofMillis(50), Duration.ofMinutes(1));
            return this;
        }

        /** @return the sandbox (its runtimes start on first use) */
        public PythonSandbox build() {
            return new PythonSandbox(new SandboxSettings(timeBudget, loadBudget, allocationBudgetBytes, contexts,
                    outputLimitBytes, optimizingRuntime, quarantineAfterOverruns, processes, processHeapMb,
                    cancelGrace));
        }

        private static Duration within(String what, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new InvalidInputException("the " + what + " must be between " + min + " and " + max + ", got " + d);
            }
            return d;
        }

        private static int range(String what, int n, int min, int max) {
            if (n < min || n > max) {
                throw new InvalidInputException("the " + what + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        }
    }
}
