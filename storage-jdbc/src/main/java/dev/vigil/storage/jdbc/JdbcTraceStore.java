package dev.vigil.storage.jdbc;

import dev.vigil.spi.model.Trace;
import dev.vigil.spi.store.TailEntry;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import dev.vigil.spi.store.TraceStore;
import dev.vigil.spi.store.support.StoreArguments;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Traces: one {@code traces} row each (info columns and the MLflow JSON), plus rows for their tags, metadata and
 * spans that filters are pushed down to. Writing is {@link TraceWriter}'s job, decoding rows and the reads by id and
 * sequence {@link TraceRows}', scans and counts by time with filter pushdown {@link TraceScanner}'s.
 */
final class JdbcTraceStore implements TraceStore {

    private final TraceWriter writer;
    private final TraceRows rows;
    private final TraceScanner scanner;

    JdbcTraceStore(Database db, JdbcAssessmentStore assessments) {
        this.writer = new TraceWriter(db);
        this.rows = new TraceRows(db, assessments);
        this.scanner = new TraceScanner(db, rows);
    }

    @Override
    public void put(List<Trace> traces) {
        writer.put(traces);
    }

    @Override
    public Optional<Trace> get(String traceId) {
        return rows.get(traceId);
    }

    @Override
    public TracePage scan(TraceQuery query, String pageToken, int maxResults) {
        return scanner.scan(query, pageToken, maxResults);
    }

    @Override
    public long count(TraceQuery query) {
        OptionalLong exact = scanner.countExact(query);
        // when the SQL condition only narrows the rows, count what the scan returns, page by page
        return exact.isPresent() ? exact.getAsLong() : TraceStore.super.count(query);
    }

    @Override
    public List<TailEntry> tail(long afterSequence, int limit) {
        StoreArguments.tail(afterSequence, limit);
        return rows.tail(afterSequence, limit);
    }

    @Override
    public long count(String experimentId) {
        return rows.count(experimentId);
    }
}
