package dev.vigil.cli;

import dev.vigil.core.Vigil;
import dev.vigil.core.engine.Engine;
import dev.vigil.spi.store.Store;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * {@code --partitions N} of the commands that run a monitoring engine ({@code monitor}, {@code serve}): the count
 * must equal the one stored with the store's trace stream (set by the first engine, changed by
 * {@code vigil engine repartition}); a different one is refused before the engine starts, naming both.
 */
final class PartitionsOption {

    /** The engine's count when the option is absent. */
    static final int DEFAULT = 1;

    @Option(names = "--partitions", paramLabel = "N",
            description = "How many partitions the trace stream is split into, 1 to 1024; must equal the count stored "
                    + "in the store (see 'vigil engine partitions'; default " + DEFAULT + ").")
    Integer partitions;

    /**
     * @param builder the engine's builder
     * @param s the open store
     * @return the builder, with the partition count set
     * @throws UserError if the count is out of range or differs from the stored one
     */
    Vigil.Builder apply(Vigil.Builder builder, Store s) {
        int n = partitions == null ? DEFAULT : partitions;
        if (n < 1 || n > 1024) {
            throw new UserError("--partitions must be 1 to 1024, got " + n);
        }
        OptionalInt stored = stored(s);
        if (stored.isPresent() && stored.getAsInt() != n) {
            int m = stored.getAsInt();
            throw new UserError((partitions == null ? "this engine would use " + n + " partition(s) (the default)"
                    : "--partitions " + n + " does not match the store")
                    + ": " + s.describe() + " splits the trace stream into " + m + " partition(s). Start with "
                    + "--partitions " + m + ", or change the stored count (cursors carried over, no re-scoring) with "
                    + "'vigil engine repartition --partitions " + n + "' while no engine runs");
        }
        return builder.partitions(n);
    }

    private static OptionalInt stored(Store s) {
        try {
            return s.coordination().partitionCount(Engine.STREAM);
        } catch (UnsupportedOperationException e) {
            return OptionalInt.empty(); // no coordination: every engine uses its own count
        }
    }
}
