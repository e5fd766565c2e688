/**
 * The rules every store backend shares, so that a new backend implements storage and not the contract again:
 * optimistic revision checks ({@link dev.vigil.spi.store.support.Revisions}), lease arithmetic and fencing
 * ({@link dev.vigil.spi.store.support.LeaseRules}), keyset page tokens and paging over an ordered index
 * ({@link dev.vigil.spi.store.support.PageToken}, {@link dev.vigil.spi.store.support.KeysetPager}), the
 * checks of a call's arguments ({@link dev.vigil.spi.store.support.StoreArguments}); and the in-memory tables a
 * store keeps as state beside its data (stream partition counts: {@link dev.vigil.spi.store.support.PartitionCounts};
 * rollup rows: {@link dev.vigil.spi.store.support.LockedRollupStore}; fenced writes:
 * {@link dev.vigil.spi.store.support.LockedCoordination}). The memory, file and JDBC
 * stores use them; the conformance suites in vigil-testkit check the result.
 */
package dev.vigil.spi.store.support;
