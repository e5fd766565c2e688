package dev.vigil.python;

import dev.vigil.spi.InvalidInputException;
import java.util.Locale;

/** How far a Python scorer is kept from the engine. */
public enum Isolation {
    /**
     * In the engine's JVM: GraalPy under {@code SandboxPolicy.CONSTRAINED} on a pool of contexts. Fastest (a trivial
     * call costs about a microsecond). Time and allocation budgets are enforced, but an operation that ignores
     * cancellation ({@code sum(range(10**12))}) keeps its thread: the thread is written off and the scorer
     * quarantined.
     */
    IN_PROCESS,
    /**
     * In a pool of child JVMs with a heap cap, over pipes: for code from people you do not trust. A call that
     * overruns or crashes kills its child, which is replaced; memory bombs and uncancellable loops end there.
     * Costs an inter-process round trip per call.
     */
    PROCESS;

    /** @return the name stored in a scorer definition ({@code in_process}, {@code process}) */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code in_process} or {@code process} (any case)
     * @return the isolation level
     * @throws InvalidInputException for any other name
     */
    public static Isolation fromWireName(String name) {
        for (Isolation i : values()) {
            if (i.name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new InvalidInputException("unknown isolation '" + name + "'; use in_process or process");
    }
}
