package dev.vigil.cli.report;

import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.ScoredValue;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.TracePage;
import dev.vigil.spi.store.TraceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the HTML quality report shows, read from a store: per scorer (and feedback name) its pass rate or mean
 * over time with a 95% interval, volume and errors; the latest failing traces with their rationales; the scorer
 * configuration.
 *
 * @param experiment the experiment name
 * @param store the store, as it describes itself
 * @param generatedAt when the report was made
 * @param from start of the range
 * @param to end of the range (exclusive)
 * @param bucket the width of one time bucket
 * @param traces traces in the range
 * @param volume traces per bucket (bucket start → count)
 * @param scorers the registered scorers (latest version of each name) with their series
 * @param failures the latest failing or erroring feedback, newest first
 */
public record QualityReport(String experiment, String store, Instant generatedAt, Instant from, Instant to,
        Duration bucket, long traces, Map<Instant, Long> volume, List<ScorerSection> scorers, List<Failure> failures) {

    private static final List<Duration> BUCKETS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6),
            Duration.ofDays(1), Duration.ofDays(7));
    private static final int MAX_BUCKETS = 60;
    private static final int MAX_TRACES_SCANNED = 200_000;

    /**
     * One registered scorer.
     *
     * @param version its latest version
     * @param series one per feedback name it produced
     */
    public record ScorerSection(ScorerVersion version, List<Series> series) {}

    /**
     * A scorer's values for one feedback name.
     *
     * @param scorer the scorer name
     * @param feedbackName the feedback name
     * @param overall the whole range
     * @param points per bucket, in time order
     * @param categories counts per value for categorical feedback
     */
    public record Series(String scorer, String feedbackName, Stat overall, List<Point> points,
            Map<String, Long> categories) {}

    /**
     * @param start the bucket start
     * @param stat the bucket's values
     */
    public record Point(Instant start, Stat stat) {}

    /**
     * A failing (false / "no") or erroring feedback.
     *
     * @param time the trace's request time
     * @param traceId the trace
     * @param scorer the scorer name
     * @param name the feedback name
     * @param value the value or the error code
     * @param rationale the rationale or the error message
     * @param request the trace's request preview
     * @param response the trace's response preview
     */
    public record Failure(Instant time, String traceId, String scorer, String name, String value, String rationale,
            String request, String response) {}

    /**
     * Reads a report's data from a store.
     *
     * @param store the store
     * @param experiment the experiment
     * @param from start of the range
     * @param to end of the range, exclusive
     * @param now the report time
     * @param maxFailures how many failing traces to list
     * @return the report data
     */
    public static QualityReport collect(Store store, Experiment experiment, Instant from, Instant to, Instant now,
            int maxFailures) {
        String exp = experiment.experimentId();
        List<ScorerVersion> latest = new ArrayList<>(latestVersions(store.scorers().list(exp)));
        Map<String, List<ScoredValue>> values = new LinkedHashMap<>();
        Instant first = null;
        Instant last = null;
        for (ScorerVersion v : latest) {
            List<ScoredValue> vs = store.assessments().valuesByScorer(exp, v.name(), from, to);
            values.put(v.name(), vs);
            for (ScoredValue sv : vs) {
                first = first == null || sv.traceTime().isBefore(first) ? sv.traceTime() : first;
                last = last == null || sv.traceTime().isAfter(last) ? sv.traceTime() : last;
            }
        }
        List<Instant> traceTimes = new ArrayList<>();
        String token = null;
        do {
            TracePage page = store.traces().scan(new TraceQuery(exp, from, to, null), token, 1000);
            page.traces().forEach(t -> traceTimes.add(t.info().requestTime()));
            token = page.nextPageToken();
        } while (token != null && traceTimes.size() < MAX_TRACES_SCANNED);
        for (Instant t : traceTimes) {
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || t.isAfter(last) ? t : last;
        }
        Instant start = first == null ? from : first;
        Instant end = last == null ? to : last;
        Duration bucket = bucketFor(Duration.between(start, end));
        Map<Instant, Long> volume = new TreeMap<>();
        for (Instant t : traceTimes) {
            volume.merge(floor(t, bucket), 1L, Long::sum);
        }
        List<ScorerSection> sections = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        for (ScorerVersion v : latest) {
            Map<String, List<ScoredValue>> byName = new TreeMap<>();
            for (ScoredValue sv : values.get(v.name())) {
                byName.computeIfAbsent(sv.assessment().name(), k -> new ArrayList<>()).add(sv);
                Failure f = failure(sv);
                if (f != null) {
                    failures.add(f);
                }
            }
            List<Series> series = new ArrayList<>();
            byName.forEach((name, vs) -> series.add(series(v.name(), name, vs, bucket)));
            sections.add(new ScorerSection(v, series));
        }
        failures.sort(Comparator.comparing(Failure::time).reversed());
        List<Failure> top = new ArrayList<>();
        for (Failure f : failures.subList(0, Math.min(maxFailures, failures.size()))) {
            Trace t = store.traces().get(f.traceId()).orElse(null);
            top.add(t == null ? f : new Failure(f.time(), f.traceId(), f.scorer(), f.name(), f.value(), f.rationale(),
                    t.info().requestPreview(), t.info().responsePreview()));
        }
        return new QualityReport(experiment.name(), store.describe(), now, start, end, bucket, traceTimes.size(),
                volume, sections, top);
    }

    private static List<ScorerVersion> latestVersions(List<ScorerVersion> all) {
        Map<String, ScorerVersion> latest = new TreeMap<>();
        for (ScorerVersion v : all) {
            latest.merge(v.name(), v, (a, b) -> a.version() >= b.version() ? a : b);
        }
        return List.copyOf(latest.values());
    }

    static Duration bucketFor(Duration range) {
        for (Duration b : BUCKETS) {
            if (range.toMillis() / b.toMillis() < MAX_BUCKETS) {
                return b;
            }
        }
        return BUCKETS.get(BUCKETS.size() - 1);
    }

    static Instant floor(Instant t, Duration bucket) {
        long ms = bucket.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
    }

    /** How a value counts: 1 / 0 for a pass / fail, the number for a number, null for a category. */
    static Double numeric(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            return t.equals("yes") || t.equals("true") ? 1.0 : t.equals("no") || t.equals("false") ? 0.0 : null;
        }
        return v instanceof Number n ? n.doubleValue() : null;
    }

    static boolean isPassFail(Object v) {
        if (v instanceof Boolean) {
            return true;
        }
        return v instanceof String s && numeric(s) != null;
    }

    private static Series series(String scorer, String name, List<ScoredValue> vs, Duration bucket) {
        boolean anyNumber = false;
        boolean anyPassFail = false;
        for (ScoredValue sv : vs) {
            FeedbackValue f = sv.assessment().feedback();
            if (f != null && !f.isError()) {
                anyPassFail |= isPassFail(f.value());
                anyNumber |= f.value() instanceof Number;
            }
        }
        Stat.Kind kind = anyNumber ? Stat.Kind.MEAN : anyPassFail ? Stat.Kind.PASS_RATE : Stat.Kind.CATEGORICAL;
        Map<Instant, List<ScoredValue>> byBucket = new TreeMap<>();
        Map<String, Long> categories = new TreeMap<>();
        for (ScoredValue sv : vs) {
            byBucket.computeIfAbsent(floor(sv.traceTime(), bucket), k -> new ArrayList<>()).add(sv);
            FeedbackValue f = sv.assessment().feedback();
            if (kind == Stat.Kind.CATEGORICAL && f != null && !f.isError() && f.value() != null) {
                categories.merge(f.value() instanceof String s ? s : Json.write(f.value()), 1L, Long::sum);
            }
        }
        List<Point> points = new ArrayList<>();
        byBucket.forEach((t, list) -> points.add(new Point(t, stat(kind, list))));
        return new Series(scorer, name, stat(kind, vs), points, categories);
    }

    static Stat stat(Stat.Kind kind, List<ScoredValue> vs) {
        long n = 0;
        long errors = 0;
        double sum = 0;
        double sq = 0;
        for (ScoredValue sv : vs) {
            FeedbackValue f = sv.assessment().feedback();
            if (f == null) {
                continue;
            }
            if (f.isError()) {
                errors++;
                continue;
            }
            Double x = numeric(f.value());
            if (x == null) {
                continue;
            }
            n++;
            sum += x;
            sq += x * x;
        }
        return switch (kind) {
            case PASS_RATE -> Stat.passRate(Math.round(sum), n, errors);
            case MEAN -> Stat.mean(sum, sq, n, errors);
            case CATEGORICAL -> new Stat(Stat.Kind.CATEGORICAL, 0, errors, Double.NaN, Double.NaN, Double.NaN);
        };
    }

    private static Failure failure(ScoredValue sv) {
        Assessment a = sv.assessment();
        FeedbackValue f = a.feedback();
        if (f == null) {
            return null;
        }
        if (f.isError()) {
            return new Failure(sv.traceTime(), a.traceId(), a.scorerName(), a.name(), "error " + f.error().code(),
                    f.error().message(), null, null);
        }
        if (isPassFail(f.value()) && numeric(f.value()) == 0.0) {
            return new Failure(sv.traceTime(), a.traceId(), a.scorerName(), a.name(), String.valueOf(f.value()),
                    a.rationale(), null, null);
        }
        return null;
    }
}
