package dev.vigil.server.api;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.aggregate.BucketStats;
import dev.vigil.core.aggregate.RollupAggregator;
import dev.vigil.core.backfill.BackfillProgress;
import dev.vigil.core.backfill.BackfillScorer;
import dev.vigil.core.backfill.BackfillService;
import dev.vigil.core.registry.RegisteredScorer;
import dev.vigil.core.registry.ScorerLevel;
import dev.vigil.core.session.SessionAggregates;
import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.NotFoundException;
import dev.vigil.spi.store.Job;
import dev.vigil.spi.store.JobStatus;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.ScoredValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Overview, aggregates (trends with confidence intervals), backfills and engine health. */
final class QualityApi {

    private final Vigil vigil;
    private final Clock clock;
    private final EngineHealthView health;
    private final ScorersApi scorers;

    QualityApi(Vigil vigil, Clock clock, EngineHealthView health, ScorersApi scorers) {
        this.vigil = vigil;
        this.clock = clock;
        this.health = health;
        this.scorers = scorers;
    }

    List<Route> routes() {
        return List.of(
                new Route("GET", "/health", req -> Route.Reply.ok(health.engine())),
                new Route("GET", "/experiments/{experiment}/overview", this::overview),
                new Route("GET", "/experiments/{experiment}/aggregates", this::aggregates),
                new Route("GET", "/experiments/{experiment}/backfills", this::backfills),
                new Route("POST", "/experiments/{experiment}/backfills", this::startBackfill),
                new Route("GET", "/experiments/{experiment}/backfills/{jobId}", this::backfill),
                new Route("POST", "/experiments/{experiment}/backfills/{jobId}/cancel", this::cancel));
    }

    private Instant[] range(Request req, Duration dflt) {
        Instant to = req.timeQuery("to");
        Instant from = req.timeQuery("from");
        to = to == null ? clock.instant().plusSeconds(1) : to;
        from = from == null ? to.minus(dflt) : from;
        if (!to.isAfter(from)) {
            throw ApiException.badRequest("'to' (" + to + ") must be after 'from' (" + from + ")");
        }
        return new Instant[] {from, to};
    }

    private static Bucket bucket(Request req) {
        String b = req.queryParam("bucket");
        if (b == null) {
            return Bucket.HOUR;
        }
        try {
            return Bucket.valueOf(b.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bucket must be minute, hour or day, got '" + b + "'");
        }
    }

    /**
     * Hour and day buckets are read from the store's hourly rollups (O(hours) rows; the partial hours at the ends of
     * the range from the values); minute buckets, and stores without ready rollups, from every value.
     */
    private static boolean usesRollups(Bucket bucket) {
        return bucket != Bucket.MINUTE;
    }

    /** Per scorer: its registration, counters, the value over the range with its 95 % interval, and a sparkline. */
    private Route.Reply overview(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        Instant[] r = range(req, Duration.ofHours(24));
        Bucket bucket = bucket(req);
        List<Object> out = new ArrayList<>();
        boolean rollups = usesRollups(bucket);
        for (RegisteredScorer s : exp.scorers().list()) {
            Map<String, Object> m = scorers.view(exp, s);
            double rate = s.sampleRate() > 0 ? s.sampleRate() : 1.0;
            Series series = series(exp, s.name(), 0, r, bucket, rate, s.level());
            List<BucketStats> spark = series.buckets();
            List<BucketStats> whole = series.whole();
            m.put("level", series.level());
            List<Object> metrics = new ArrayList<>();
            for (BucketStats b : whole) {
                Map<String, Object> metric = point(b);
                metric.remove("bucketStart");
                metric.put("sparkline", spark.stream()
                        .filter(x -> x.feedbackName().equals(b.feedbackName())).map(QualityApi::point).toList());
                metrics.add(metric);
            }
            m.put("metrics", metrics);
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("experiment", exp.name());
        body.put("from", r[0].toString());
        body.put("to", r[1].toString());
        body.put("traceCount", vigil.store().traces().count(exp.id()));
        body.put("computedFrom", rollups && RollupAggregator.usable(vigil.store()) ? "rollups" : "values");
        body.put("engine", health.engine());
        body.put("sessions", health.sessions(exp.id()));
        body.put("scorers", out);
        return Route.Reply.ok(body);
    }

    /** One scorer's feedback per bucket: value (pass rate or mean), 95 % interval, sample size, errors. */
    private Route.Reply aggregates(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        String name = req.queryParam("scorer");
        if (name == null) {
            throw ApiException.badRequest("give scorer=NAME (one of: " + String.join(", ", exp.scorers().list()
                    .stream().map(RegisteredScorer::name).toList()) + ")");
        }
        Instant[] r = range(req, Duration.ofDays(1));
        Bucket bucket = bucket(req);
        String version = req.queryParam("version");
        int v = version == null ? 0 : req.intQuery("version", 0, 1, Integer.MAX_VALUE);
        Optional<RegisteredScorer> latest = exp.scorers().find(name);
        double rate = latest.map(RegisteredScorer::sampleRate).filter(x -> x > 0).orElse(1.0);
        Series series = series(exp, name, v, r, bucket, rate, registeredLevel(exp, name, v, latest));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scorer", name);
        body.put("version", v == 0 ? null : v);
        body.put("bucket", bucket.name().toLowerCase(Locale.ROOT));
        body.put("from", r[0].toString());
        body.put("to", r[1].toString());
        body.put("level", series.level());
        body.put("computedFrom", series.computedFrom());
        body.put("buckets", series.buckets().stream().map(QualityApi::point).toList());
        return Route.Reply.ok(body);
    }

    /**
     * One scorer's stats over a range.
     *
     * @param session whether they are per session (a session scorer: one value per session) or per trace
     * @param buckets per bucket and feedback name
     * @param whole per feedback name over the whole range (bucket start {@link Instant#EPOCH})
     * @param computedFrom "rollups" or "values"
     */
    private record Series(boolean session, List<BucketStats> buckets, List<BucketStats> whole, String computedFrom) {
        String level() {
            return session ? "session" : "trace";
        }
    }

    /**
     * A trace scorer's stats come from the hourly rollups (hour and day buckets) or its values; a session scorer's
     * always from its values, one per session (its latest valid assessment across scorer versions; see
     * {@link SessionAggregates}): rollups count only valid feedback, but per scorer version, so a session scored by
     * two versions would count twice over an all-versions range.
     *
     * <p>Which one a scorer is, the registry says ({@link RegisteredScorer#level()}) when the name (or the version
     * asked for) is registered. A scorer no longer registered is told apart by its stored feedback in the range (the
     * session metadata {@code SessionAssessments} writes; with rollups, one hour of values per scorer version is
     * read), and is trace level when the range holds none.
     *
     * @param registered the registered level, or null if the scorer is not registered
     */
    private Series series(ExperimentHandle exp, String name, int version, Instant[] r, Bucket bucket, double rate,
            ScorerLevel registered) {
        boolean rollups = usesRollups(bucket) && RollupAggregator.usable(vigil.store());
        List<ScoredValue> values = null;
        List<Rollup> rows = null;
        boolean session;
        if (registered != null) {
            session = registered == ScorerLevel.SESSION;
        } else if (rollups) {
            rows = RollupAggregator.rows(vigil.store(), exp.id(), name, version, r[0], r[1]);
            session = SessionAggregates.sessionLevel(vigil.store(), exp.id(), name, rows, r[0], r[1]);
        } else {
            values = values(exp, name, version, r);
            session = SessionAggregates.sessionLevel(values);
        }
        if (session) {
            List<ScoredValue> latest = SessionAggregates.latestPerSession(values != null ? values
                    : values(exp, name, version, r));
            return new Series(true, Aggregator.aggregate(latest, bucket, rate), Aggregator.aggregate(latest.stream()
                    .map(x -> new ScoredValue(Instant.EPOCH, x.assessment())).toList(), Bucket.DAY, rate), "values");
        }
        if (rollups) {
            if (rows == null) {
                rows = RollupAggregator.rows(vigil.store(), exp.id(), name, version, r[0], r[1]);
            }
            return new Series(false, RollupAggregator.aggregate(rows, bucket, rate),
                    RollupAggregator.whole(rows, rate), "rollups");
        }
        if (values == null) {
            values = values(exp, name, version, r);
        }
        return new Series(false, Aggregator.aggregate(values, bucket, rate), Aggregator.aggregate(values.stream()
                .map(x -> new ScoredValue(Instant.EPOCH, x.assessment())).toList(), Bucket.DAY, rate), "values");
    }

    /** A scorer's values in the range, of one version ({@code version > 0}) or all. */
    private List<ScoredValue> values(ExperimentHandle exp, String name, int version, Instant[] r) {
        List<ScoredValue> values = vigil.store().assessments().valuesByScorer(exp.id(), name, r[0], r[1]);
        return version > 0 ? values.stream().filter(x -> x.assessment().scorerVersion() == version).toList()
                : values;
    }

    /**
     * @param version a version, or 0 for all: then the latest registered version's level (a name's versions are
     *     normally all of one level)
     * @param latest the name's latest registered version, if any
     * @return the registered level, or null if the scorer (version) is not registered or its record cannot be read
     */
    private static ScorerLevel registeredLevel(ExperimentHandle exp, String name, int version,
            Optional<RegisteredScorer> latest) {
        if (version == 0 || latest.isEmpty()) {
            return latest.map(RegisteredScorer::level).orElse(null);
        }
        try {
            return exp.scorers().get(name, version).level();
        } catch (NotFoundException | InvalidInputException notReadable) {
            return null; // deleted, or its stored filter no longer parses: its stored feedback tells
        }
    }

    static Map<String, Object> point(BucketStats b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucketStart", b.bucketStart().toString());
        m.put("feedbackName", b.feedbackName());
        m.put("count", b.count());
        m.put("errors", b.errors());
        m.put("sampleRate", b.sampleRate());
        if (b.passRate().isPresent()) {
            BucketStats.PassRate p = b.passRate().get();
            m.put("kind", "passRate");
            m.put("n", p.n());
            m.put("value", p.rate());
            m.put("low", p.ci().low());
            m.put("high", p.ci().high());
        } else if (b.numeric().isPresent()) {
            BucketStats.NumericSummary s = b.numeric().get();
            m.put("kind", "mean");
            m.put("n", s.n());
            m.put("value", s.mean());
            m.put("low", s.meanCi().map(i -> i.low()).orElse(null));
            m.put("high", s.meanCi().map(i -> i.high()).orElse(null));
        } else {
            m.put("kind", "categories");
            m.put("n", b.count() - b.errors());
            m.put("value", null);
            m.put("categories", b.categories());
        }
        return m;
    }

    private static Map<String, Object> progress(BackfillProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", p.jobId());
        m.put("status", p.status().name());
        m.put("scanned", p.scanned());
        m.put("sampled", p.sampled());
        m.put("scored", p.scored());
        m.put("failed", p.failed());
        m.put("skipped", p.skipped());
        m.put("deferred", p.deferred());
        m.put("gaveUp", p.gaveUp());
        // the total the job counted before its first page (null while it counts): scanned/total is exact
        m.put("total", p.totalKnown() ? Math.max(p.total(), p.scanned()) : null);
        m.put("remaining", p.estimatedRemaining());
        m.put("estimatedRemaining", p.estimatedRemaining()); // kept for older clients: now exact, total - scanned
        long total = p.totalKnown() ? Math.max(p.total(), p.scanned()) : 0;
        // a job past its last page with deferred pairs left is not done: it stays below 100 until they are
        double pct = p.status() == JobStatus.SUCCEEDED ? 100
                : total == 0 ? 0
                : Math.min(99.9, 100.0 * p.scanned() / total);
        m.put("percent", pct);
        m.put("message", p.message());
        return m;
    }

    private Route.Reply backfills(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        List<Object> out = new ArrayList<>();
        for (Job j : vigil.store().jobs().list(exp.id())) {
            if (BackfillService.JOB_TYPE.equals(j.type())) {
                Map<String, Object> m = progress(BackfillProgress.of(j));
                m.put("spec", j.spec());
                out.add(m);
            }
        }
        return Route.Reply.ok(Map.of("backfills", out));
    }

    private Job job(ExperimentHandle exp, String jobId) {
        return vigil.store().jobs().get(jobId).filter(j -> j.experimentId().equals(exp.id())
                && BackfillService.JOB_TYPE.equals(j.type())).orElseThrow(() -> ApiException.notFound(
                        "no backfill job '" + jobId + "' in experiment '" + exp.name() + "'"));
    }

    private Route.Reply backfill(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(progress(exp.backfillProgress(job(exp, req.param("jobId")).jobId())));
    }

    private Route.Reply cancel(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        return Route.Reply.ok(progress(exp.cancelBackfill(job(exp, req.param("jobId")).jobId())));
    }

    private Route.Reply startBackfill(Request req) {
        ExperimentHandle exp = TracesApi.experiment(vigil, req.param("experiment"));
        Map<String, Object> body = req.body();
        if (!(body.get("scorers") instanceof List<?> list) || list.isEmpty()) {
            throw ApiException.badRequest("give the scorers to backfill: {\"scorers\": [{\"name\": \"concise\", "
                    + "\"sampleRate\": 0.5}], \"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\"}");
        }
        List<BackfillScorer> scorers = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof String s) {
                scorers.add(BackfillScorer.of(s));
            } else if (o instanceof Map<?, ?> m && m.get("name") instanceof String n) {
                scorers.add(m.get("sampleRate") == null ? BackfillScorer.of(n)
                        : BackfillScorer.of(n, ScorersApi.sampling(Map.of("sampleRate", m.get("sampleRate")),
                                Double.NaN, null).sampleRate()));
            } else {
                throw ApiException.badRequest("each scorer is a name or {\"name\": ..., \"sampleRate\": ...}");
            }
        }
        Instant from = Request.time("from", body.get("from"));
        Instant to = Request.time("to", body.get("to"));
        if (from == null || to == null) {
            throw ApiException.badRequest("a backfill needs 'from' and 'to' (ISO-8601 instants or epoch ms)");
        }
        String id = exp.backfill(scorers, from, to);
        return Route.Reply.created(progress(exp.backfillProgress(id)));
    }
}
