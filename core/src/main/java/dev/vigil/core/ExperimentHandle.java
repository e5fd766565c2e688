package dev.vigil.core;

import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.core.engine.ScorerKey;
import dev.vigil.core.engine.ScorerStatus;
import dev.vigil.core.evaluate.EvaluationRecord;
import dev.vigil.core.evaluate.EvaluationResult;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerRegistry;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Scorer;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One experiment in an embedded {@link Vigil}: its scorer registry, its trace logger, queries over its traces,
 * assessments and aggregates, backfill, and evaluation.
 */
public final class ExperimentHandle {

    private final Vigil vigil;
    private final Experiment experiment;
    private final ScorerRegistry registry;

    ExperimentHandle(Vigil vigil, Experiment experiment, ScorerRegistry registry) {
        this.vigil = vigil;
        this.experiment = experiment;
        this.registry = registry;
    }

    /** @return the experiment id (the trace location of its traces) */
    public String id() {
        return experiment.experimentId();
    }

    /** @return the experiment name */
    public String name() {
        return experiment.name();
    }

    /** @return the scheduled scorers: register, start, update, stop, delete */
    public ScorerRegistry scorers() {
        return registry;
    }

    // ------------------------------------------------------------------ logging

    /**
     * Stores a trace durably; the engine then scores it (at once if monitoring, else when monitoring starts).
     *
     * @param trace a trace of this experiment
     * @throws InvalidInputException if it belongs to another experiment, or is invalid
     */
    public void log(Trace trace) {
        log(List.of(trace));
    }

    /**
     * Stores a batch of traces atomically, then wakes the engine.
     *
     * @param traces traces of this experiment
     * @throws InvalidInputException if one belongs to another experiment or is invalid; nothing is stored
     */
    public void log(List<Trace> traces) {
        for (Trace t : traces) {
            if (!id().equals(t.experimentId())) {
                throw new InvalidInputException("trace " + t.traceId() + " belongs to experiment " + t.experimentId()
                        + ", not to '" + name() + "' (id " + id() + "); log it through that experiment's handle");
            }
        }
        vigil.store().traces().put(traces);
        vigil.engine().wakeUp();
    }

    // ------------------------------------------------------------------ queries

    /** @param traceId an id @return the trace with its assessments */
    public Optional<Trace> trace(String traceId) {
        return vigil.store().traces().get(traceId).filter(t -> id().equals(t.experimentId()));
    }

    /**
     * @param from earliest request time, inclusive (null: the beginning)
     * @param to latest request time, exclusive (null: no end)
     * @param filter an MLflow {@code search_traces} filter, or null
     * @param pageToken null for the first page
     * @param maxResults page size
     * @return one page of traces, by request time
     */
    public TracePage traces(Instant from, Instant to, String filter, String pageToken, int maxResults) {
        TraceFilter f = filter == null || filter.isBlank() ? TraceFilter.MATCH_ALL : TraceFilter.parse(filter);
        return vigil.store().traces().scan(new TraceQuery(id(), from, to, f.isMatchAll() ? null : f.expr()),
                pageToken, maxResults);
    }

    /** @param traceId a trace @return its assessments, in creation order */
    public List<Assessment> assessments(String traceId) {
        return vigil.store().assessments().listByTrace(traceId);
    }

    /**
     * A scorer's feedback aggregated per bucket, with 95 % intervals of the population mean and pass rate given
     * the sample rate each value was drawn at.
     *
     * @param scorerName the scorer
     * @param from inclusive
     * @param to exclusive
     * @param bucket minute, hour or day
     * @return per bucket and feedback name
     */
    public List<BucketStats> aggregate(String scorerName, Instant from, Instant to, Bucket bucket) {
        double rate = registry.find(scorerName).map(RegisteredScorer::sampleRate).filter(r -> r > 0).orElse(1.0);
        return Aggregator.aggregate(vigil.store().assessments().valuesByScorer(id(), scorerName, from, to), bucket,
                rate);
    }

    // ------------------------------------------------------------------ engine status

    /** @return the run status of this experiment's scorer versions known to the engine (paused ones with why) */
    public Map<ScorerKey, ScorerStatus> scorerStatuses() {
        Map<ScorerKey, ScorerStatus> out = new TreeMap<>((a, b) -> a.name().equals(b.name())
                ? Integer.compare(a.version(), b.version()) : a.name().compareTo(b.name()));
        vigil.engine().statuses().forEach((k, v) -> {
            if (k.experimentId().equals(id())) {
                out.put(k, v);
            }
        });
        for (RegisteredScorer r : registry.active()) {
            ScorerKey k = new ScorerKey(id(), r.name(), r.version());
            out.putIfAbsent(k, new ScorerStatus(k, ScorerStatus.State.RUNNING, null, r.updatedAt()));
        }
        return out;
    }

    /**
     * Resumes a scorer paused after authentication failures, and backfills what it missed while paused: a backfill
     * at its current rate over the traces whose request time lies between one hour before the pause and now (pairs
     * already holding feedback from that version, including the recorded auth errors, are skipped).
     *
     * @param name the scorer name
     * @return the backfill job id for the paused window, or empty if it was not paused
     */
    public Optional<String> resumeScorer(String name) {
        for (var e : vigil.engine().statuses().entrySet()) {
            ScorerKey k = e.getKey();
            if (k.experimentId().equals(id()) && k.name().equals(name)
                    && e.getValue().state() == ScorerStatus.State.PAUSED) {
                Instant since = e.getValue().since();
                vigil.engine().resume(k);
                Instant now = vigil.clock().instant();
                if (now.isAfter(since.minusSeconds(3600))) {
                    return Optional.of(backfill(List.of(BackfillScorer.of(name)), since.minusSeconds(3600),
                            now.plusMillis(1)));
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ backfill

    /**
     * Backfills registered scorers over a time range, in the background.
     *
     * @param scorers the scorers, each with an optional rate (default: its current rate)
     * @param start earliest request time, inclusive
     * @param end latest request time, exclusive
     * @return the job id
     * @throws InvalidInputException {@code Scheduled scorer 'X' not found in experiment 'E'} for an unknown name
     */
    public String backfill(List<BackfillScorer> scorers, Instant start, Instant end) {
        return vigil.backfills().submit(id(), name(), scorers, start, end);
    }

    /**
     * @param start earliest request time, inclusive
     * @param end latest request time, exclusive
     * @param scorerNames registered names, each at its current rate
     * @return the job id
     */
    public String backfill(Instant start, Instant end, String... scorerNames) {
        return backfill(Arrays.stream(scorerNames).map(BackfillScorer::of).toList(), start, end);
    }

    /**
     * Backfills registered session-level scorers: every session with a trace whose request time is in
     * {@code [start, end)} is scored once at its current version (sessions already scored at that version are
     * skipped, so running it twice changes nothing), with the same assessment layout as the live session monitor.
     * Runs now, on the caller's thread, through the engine's runner.
     *
     * @param scorers session scorers, each with an optional rate (default: its current rate)
     * @param start earliest request time, inclusive
     * @param end latest request time, exclusive
     * @return what the backfill did
     * @throws InvalidInputException for an unknown name, a trace-level scorer, or a stopped scorer without a rate
     */
    public dev.vigil.core.session.SessionPass backfillSessions(List<BackfillScorer> scorers, Instant start,
            Instant end) {
        if (scorers.isEmpty()) {
            throw new InvalidInputException("a session backfill needs at least one scorer");
        }
        List<dev.vigil.core.session.SessionScorerEntry> entries = new java.util.ArrayList<>();
        for (BackfillScorer b : scorers) {
            RegisteredScorer r = registry.find(b.name()).orElseThrow(() -> new InvalidInputException(
                    "Scheduled scorer '" + b.name() + "' not found in experiment '" + name() + "'"));
            if (r.level() != dev.vigil.core.registry.ScorerLevel.SESSION) {
                throw new InvalidInputException("scorer '" + b.name() + "' is a trace-level scorer; a session backfill"
                        + " runs session-level scorers only (backfill it with backfill(...))");
            }
            double rate = b.sampleRate().orElse(r.sampleRate());
            if (!(rate > 0)) {
                throw new InvalidInputException("scorer '" + b.name() + "' is stopped (sample rate 0) in experiment '"
                        + name() + "'; give the backfill a sample rate in (0, 1] for it");
            }
            entries.add(new dev.vigil.core.session.SessionScorerEntry(r.sessionScorer(), r.version(), rate));
        }
        return vigil.sessions().backfill(id(), entries, start, end);
    }

    /** @param jobId a backfill job @return its progress */
    public BackfillProgress backfillProgress(String jobId) {
        return vigil.backfills().progress(jobId);
    }

    /** @param jobId a backfill job @return its progress after cancelling */
    public BackfillProgress cancelBackfill(String jobId) {
        return vigil.backfills().cancel(jobId);
    }

    // ------------------------------------------------------------------ evaluation

    /**
     * Runs scorers (registered or not) over traces; stores nothing.
     *
     * @param traces the traces
     * @param scorers the scorers
     * @return feedback per trace and aggregates
     */
    public EvaluationResult evaluate(List<Trace> traces, List<? extends Scorer> scorers) {
        return vigil.evaluator().evaluateTraces(traces, scorers);
    }

    /**
     * Runs scorers over plain {inputs, outputs, expectations} records; stores nothing.
     *
     * @param records the records
     * @param scorers the scorers
     * @return feedback per record and aggregates
     */
    public EvaluationResult evaluateRecords(List<EvaluationRecord> records, List<? extends Scorer> scorers) {
        return vigil.evaluator().evaluateRecords(records, scorers);
    }

    /**
     * Runs a registered scorer (its latest version) once on chosen traces without storing anything, to check a
     * filter or a prompt before starting it. The scorer's filter is applied: traces it would skip are left out.
     *
     * @param name the registered scorer name
     * @param traces the traces to try it on
     * @return the feedback per trace that passes its filter
     */
    public EvaluationResult tryScorer(String name, List<Trace> traces) {
        RegisteredScorer r = registry.find(name).orElseThrow(() -> new InvalidInputException(
                "Scheduled scorer '" + name + "' not found in experiment '" + name() + "'"));
        List<Trace> matching = traces.stream().filter(r.filter()).toList();
        return vigil.evaluator().evaluateTraces(matching, List.of(r.scorer()));
    }
}
