package dev.vigil.core.backfill;

import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.filter.FilterExpr;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.TraceQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backfill job reads and runs, rebuilt from its stored spec: the scorer versions with their rates and
 * filters, the time range, and the filter pushed to the store (the OR of the scorers' filters, or none when one
 * scorer has no filter).
 *
 * @param experimentId the experiment
 * @param specs the scorer versions
 * @param pushed the filter pushed to the store's scan and count, or null
 * @param start earliest request time, inclusive
 * @param end latest request time, exclusive
 */
record BackfillPlan(String experimentId, List<Spec> specs, FilterExpr pushed, Instant start, Instant end) {

    /** One scorer version of the job. */
    record Spec(String name, int version, double rate, TraceFilter filter, Scorer scorer) {}

    /**
     * @param job a backfill job
     * @param registry its experiment's scorer registry
     * @return the plan
     */
    @SuppressWarnings("unchecked")
    static BackfillPlan of(Job job, ScorerRegistry registry) {
        List<Spec> specs = new ArrayList<>();
        List<FilterExpr> filters = new ArrayList<>();
        boolean anyUnfiltered = false;
        for (Object o : (List<Object>) job.spec().get("scorers")) {
            Map<String, Object> m = (Map<String, Object>) o;
            String name = (String) m.get("name");
            int version = ((Number) m.get("version")).intValue();
            double rate = ((Number) m.get("sampleRate")).doubleValue();
            String filter = (String) m.get("filter");
            TraceFilter compiled = filter == null ? TraceFilter.MATCH_ALL : TraceFilter.parse(filter);
            Scorer scorer = registry.get(name, version).scorer();
            specs.add(new Spec(name, version, rate, compiled, scorer));
            if (compiled.isMatchAll()) {
                anyUnfiltered = true;
            } else {
                filters.add(compiled.expr());
            }
        }
        FilterExpr pushed = anyUnfiltered || filters.isEmpty() ? null
                : filters.size() == 1 ? filters.get(0) : new FilterExpr.Or(filters);
        return new BackfillPlan(job.experimentId(), List.copyOf(specs), pushed,
                Instant.parse((String) job.spec().get("start")), Instant.parse((String) job.spec().get("end")));
    }

    /**
     * @param from where this page starts (not before the job's start)
     * @return the query of the job's range from there
     */
    TraceQuery query(Instant from) {
        return new TraceQuery(experimentId, from.isBefore(start) ? start : from, end, pushed);
    }

    /**
     * @param name a scorer name
     * @param version its version
     * @return the job's spec of that scorer version
     */
    Optional<Spec> spec(String name, int version) {
        return specs.stream().filter(s -> s.name().equals(name) && s.version() == version).findFirst();
    }
}
