package dev.vigil.python;

import java.util.Set;
import java.util.stream.Stream;

/** The hostile catalog in child JVMs ({@link Isolation#PROCESS}), with the full-size uncancellable intrinsics. */
class ProcessHostileCatalogTest extends HostileCatalogContract {

    @Override
    Isolation isolation() {
        return Isolation.PROCESS;
    }

    @Override
    Stream<Hostile> uncancellable() {
        return Stream.of(
                hostile("sum_range_10_12", "return sum(range(10**12))", STOPPED, "-Dvigil.python."),
                hostile("pow_huge", "return pow(3, 10**8) % 7", STOPPED, "-Dvigil.python."));
    }
}
