package dev.vigil.core.evaluate;

import dev.vigil.core.engine.Outcome;
import dev.vigil.core.engine.ScorerRunner;
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
 */
public final class Evaluator {

    private final ScorerRunner runner;
    private final Duration timeout;
    private final int parallelism;

    /**
     * @param runner runs each scorer
     * @param timeout per-attempt timeout
     * @param parallelism items scored at once (I/O-bound scorers are further limited per provider)
     */
    public Evaluator(ScorerRunner runner, Duration timeout, int parallelism) {
        if (parallelism < 1) {
            throw new InvalidInputException("parallelism must be 1 or more, got " + parallelism);
        }
        this.runner = runner;
        this.timeout = timeout;
        this.parallelism = parallelism;
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
        List<Map<String, List<Feedback>>> perItem = new ArrayList<>(inputs.size());
        try (ExecutorService pool = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("vigil-evaluate-", 0).factory())) {
            java.util.concurrent.Semaphore permits = new java.util.concurrent.Semaphore(parallelism);
            List<Future<Map<String, List<Feedback>>>> futures = new ArrayList<>(inputs.size());
            for (ScorerInput input : inputs) {
                futures.add(pool.submit(() -> {
                    permits.acquire();
                    try {
                        Map<String, List<Feedback>> out = new LinkedHashMap<>();
                        for (Scorer s : scorers) {
                            Outcome o = runner.run(s, s.name(), input, timeout);
                            out.put(s.name(), o.feedback());
                        }
                        return out;
                    } finally {
                        permits.release();
                    }
                }));
            }
            for (Future<Map<String, List<Feedback>>> f : futures) {
                perItem.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("evaluation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
        }
        List<EvaluationResult.Item> items = new ArrayList<>(perItem.size());
        for (int i = 0; i < perItem.size(); i++) {
            items.add(new EvaluationResult.Item(i, ids.get(i), perItem.get(i)));
        }
        return new EvaluationResult(items, metrics(perItem, scorers));
    }

    private static Map<String, Double> metrics(List<Map<String, List<Feedback>>> perItem,
            List<? extends Scorer> scorers) {
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
