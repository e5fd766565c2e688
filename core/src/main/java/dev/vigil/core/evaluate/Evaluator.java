package dev.vigil.core.evaluate;

import dev.vigil.core.retry.Deferrals;
import dev.vigil.core.engine.internal.Outcome;
import dev.vigil.core.engine.Pauser;
import dev.vigil.core.engine.internal.ScorerRunner;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Aggregation;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.scorer.ScorerInput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs scorers — registered or not — over traces or plain records, with the same execution as live monitoring
 * (timeouts, retries, provider limits), and stores nothing: the development half of "the same scorers in
 * development and production", like {@code mlflow.genai.evaluate}.
 *
 * <p>Deferred, not failed, here too: a pair whose run ends on a transient or authentication failure after the
 * immediate retries is run again after the same back-off the monitoring engine's retry queue uses
 * ({@link Deferrals}), for up to {@code deferredRounds} later rounds. Since {@code evaluate} stores nothing, the
 * wait happens in memory. A pair still failing transiently after the last round keeps its error feedback (with
 * the failure kind as its code) and is counted as {@code <name>/transient_failure_count}, not as an error of the
 * scorer ({@code <name>/error_count} counts permanent failures only).
 */
public final class Evaluator {

    private final ScorerRunner runner;
    private final Duration timeout;
    private final int parallelism;
    private final Deferrals deferrals;
    private final Pauser pauser;
    private final int deferredRounds;

    /**
     * @param runner runs each scorer
     * @param timeout per-attempt timeout
     * @param parallelism items scored at once (I/O-bound scorers are further limited per provider)
     * @param deferrals the back-off between later rounds of transiently failed pairs
     * @param pauser how the wait between rounds is spent (tests: record and return)
     * @param deferredRounds later rounds for transiently failed pairs, 0 or more
     */
    public Evaluator(ScorerRunner runner, Duration timeout, int parallelism, Deferrals deferrals, Pauser pauser,
            int deferredRounds) {
        if (parallelism < 1) {
            throw new InvalidInputException("parallelism must be 1 or more, got " + parallelism);
        }
        if (deferredRounds < 0) {
            throw new InvalidInputException("deferredRounds must be 0 or more, got " + deferredRounds);
        }
        this.runner = runner;
        this.timeout = timeout;
        this.parallelism = parallelism;
        this.deferrals = java.util.Objects.requireNonNull(deferrals, "deferrals");
        this.pauser = java.util.Objects.requireNonNull(pauser, "pauser");
        this.deferredRounds = deferredRounds;
    }

    /**
     * @param traces the traces
     * @param scorers the scorers
     * @return the feedback per trace and the aggregates
     */
    public EvaluationResult evaluateTraces(List<Trace> traces, List<? extends Scorer> scorers) {
        List<ScorerInput> inputs = new ArrayList<>(traces.size());
        List<String> ids = new ArrayList<>(traces.size());
        for (Trace t : traces) {
            inputs.add(ScorerInput.of(t));
            ids.add(t.traceId());
        }
        return run(inputs, ids, scorers);
    }

    /**
     * @param records plain {inputs, outputs, expectations} records
     * @param scorers the scorers
     * @return the feedback per record and the aggregates
     */
    public EvaluationResult evaluateRecords(List<EvaluationRecord> records, List<? extends Scorer> scorers) {
        List<ScorerInput> inputs = new ArrayList<>(records.size());
        List<String> ids = new ArrayList<>(records.size());
        for (EvaluationRecord r : records) {
            inputs.add(r.toInput());
            ids.add(null);
        }
        return run(inputs, ids, scorers);
    }

    private EvaluationResult run(List<ScorerInput> inputs, List<String> ids, List<? extends Scorer> scorers) {
        if (scorers.isEmpty()) {
            throw new InvalidInputException("evaluate needs at least one scorer");
        }
        Set<String> names = new HashSet<>();
        for (Scorer s : scorers) {
            if (!names.add(s.name())) {
                throw new InvalidInputException("two scorers are named '" + s.name()
                        + "'; scorer names must be unique within one evaluation");
            }
        }
        // one cell per (item, scorer), filled by the first round and replaced by later rounds
        List<List<Outcome>> cells = new ArrayList<>(inputs.size());
        List<int[]> todo = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            List<Outcome> row = new ArrayList<>(scorers.size());
            for (int k = 0; k < scorers.size(); k++) {
                row.add(null);
                todo.add(new int[] {i, k});
            }
            cells.add(row);
        }
        for (int round = 0; !todo.isEmpty(); round++) {
            if (round > 0) {
                try {
                    pauser.pause(deferrals.delay(round));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("evaluation interrupted", e);
                }
            }
            runRound(inputs, scorers, todo, cells);
            List<int[]> again = new ArrayList<>();
            for (int[] c : todo) {
                Outcome o = cells.get(c[0]).get(c[1]);
                if (o.transientFailure() || o.authFailure()) {
                    again.add(c);
                }
            }
            todo = round < deferredRounds ? again : List.of();
        }
        List<Map<String, List<Feedback>>> perItem = new ArrayList<>(inputs.size());
        // what the aggregates count: a transiently failed run is not an error of the scorer
        List<Map<String, List<Feedback>>> counted = new ArrayList<>(inputs.size());
        Map<String, Integer> transientFailures = new TreeMap<>();
        for (List<Outcome> row : cells) {
            Map<String, List<Feedback>> out = new LinkedHashMap<>();
            Map<String, List<Feedback>> count = new LinkedHashMap<>();
            for (int k = 0; k < scorers.size(); k++) {
                Outcome o = row.get(k);
                out.put(scorers.get(k).name(), o.feedback());
                if (o.transientFailure() || o.authFailure()) {
                    transientFailures.merge(scorers.get(k).name(), 1, Integer::sum);
                } else {
                    count.put(scorers.get(k).name(), o.feedback());
                }
            }
            perItem.add(out);
            counted.add(count);
        }
        List<EvaluationResult.Item> items = new ArrayList<>(perItem.size());
        for (int i = 0; i < perItem.size(); i++) {
            items.add(new EvaluationResult.Item(i, ids.get(i), perItem.get(i)));
        }
        Map<String, Double> metrics = metrics(counted, scorers, transientFailures);
        return new EvaluationResult(items, metrics);
    }

    /** Runs the given (item, scorer) cells, at most {@code parallelism} at once, and stores their outcomes. */
    private void runRound(List<ScorerInput> inputs, List<? extends Scorer> scorers, List<int[]> todo,
            List<List<Outcome>> cells) {
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("vigil-evaluate-", 0).factory())) {
            java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(parallelism);
            List<Future<Outcome>> futures = new ArrayList<>(todo.size());
            for (int[] c : todo) {
                Scorer s = scorers.get(c[1]);
                ScorerInput input = inputs.get(c[0]);
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        return runner.run(s, s.name(), input, timeout);
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (int j = 0; j < todo.size(); j++) {
                int[] c = todo.get(j);
                cells.get(c[0]).set(c[1], futures.get(j).get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
        }
    }

    private static Map<String, Double> metrics(List<Map<String, List<Feedback>>> perItem,
            List<? extends Scorer> scorers, Map<String, Integer> transientFailures) {
        Map<String, Double> metrics = new TreeMap<>();
        for (Scorer s : scorers) {
            Map<String, List<Double>> byName = new LinkedHashMap<>();
            Map<String, Integer> errors = new LinkedHashMap<>();
            for (Map<String, List<Feedback>> item : perItem) {
                for (Feedback f : item.getOrDefault(s.name(), List.of())) {
                    if (f.isError()) {
                        errors.merge(f.name(), 1, Integer::sum);
                        continue;
                    }
                    Double d = numeric(f.value());
                    if (d != null) {
                        byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(d);
                    }
                }
            }
            List<Aggregation> aggs;
            try {
                aggs = s.aggregations();
            } catch (RuntimeException e) {
                aggs = List.of(Aggregation.MEAN);
            }
            for (var e : byName.entrySet()) {
                double[] xs = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
                for (Aggregation a : aggs) {
                    try {
                        metrics.put(e.getKey() + "/" + a.name(), a.apply(xs));
                    } catch (RuntimeException ex) {
                        metrics.put(e.getKey() + "/" + a.name(), Double.NaN);
                    }
                }
            }
            errors.forEach((name, n) -> metrics.put(name + "/error_count", (double) n));
            Integer t = transientFailures.get(s.name());
            if (t != null) {
                metrics.put(s.name() + "/transient_failure_count", (double) t);
            }
        }
        return metrics;
    }

    /** @return a number for a number, boolean or yes/no; else null */
    static Double numeric(Object v) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("yes")) {
                return 1.0;
            }
            if (t.equals("no")) {
                return 0.0;
            }
        }
        return null;
    }
}
