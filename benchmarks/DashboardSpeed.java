/*
 * The dashboard's speed goal (issue #16): overview + a 30-day hourly trend over N traces on an H2 file store, timed
 * through the real HTTP API. A single-file Java program on the CLI's distribution; see benchmarks/README.md.
 *
 *   ./mvnw -q -B -ntp -DskipTests -pl cli -am package
 *   java -cp "cli/target/vigil/vigil-cli.jar:cli/target/vigil/lib/*" benchmarks/DashboardSpeed.java 1000000 /tmp/vigil-speed
 *
 * Seeds (once per directory) N traces spread evenly over the last 30 days, each with one boolean feedback of scorer
 * 'quality' recorded at sample rate 1, then starts the server on the store and times GET .../overview?from=30d
 * (hourly sparkline) and GET .../aggregates?scorer=quality&bucket=hour&from=30d, 5 times each after a warm-up.
 * The server reads hour buckets from the store's rollups; as the reference, the same run times the full scan the
 * server did before (valuesByScorer over the 30 days + Aggregator.aggregate by hour, in process), twice.
 * A store seeded before rollups existed needs 'vigil rollups rebuild' first (the server scans until then).
 */
import dev.vigil.core.Vigil;
import dev.vigil.core.aggregate.Aggregator;
import dev.vigil.core.aggregate.Bucket;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.scorer.SamplingConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class DashboardSpeed {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args.length > 0 ? args[0] : "100000");
        String dir = args.length > 1 ? args[1] : "/tmp/vigil-speed";
        Instant now = Instant.now();
        Instant start = now.minus(Duration.ofDays(30));
        try (Vigil vigil = Vigil.builder().store("jdbc:h2:file:" + dir + "/vigil").build()) {
            var exp = vigil.experiment("speed");
            long have = vigil.store().traces().count(exp.id());
            if (have < n) {
                exp.scorers().registerOrGet(Scorers.code("quality", in -> true), "quality");
                long t0 = System.nanoTime();
                long step = Duration.ofDays(30).toMillis() / n;
                for (int i = (int) have; i < n; i += 1000) {
                    List<Trace> traces = new ArrayList<>();
                    List<Assessment> feedback = new ArrayList<>();
                    for (int j = i; j < Math.min(n, i + 1000); j++) {
                        String id = String.format(Locale.ROOT, "tr-%032x", j);
                        Instant at = start.plusMillis(j * step);
                        traces.add(new Trace(TraceInfo.builder().traceId(id).experimentId(exp.id()).requestTime(at)
                                .state(TraceState.OK).executionDurationMs(100L).build(), List.of()));
                        feedback.add(Assessment.builder().name("quality").traceId(id)
                                .source(AssessmentSource.code("quality")).createTime(at).lastUpdateTime(at)
                                .feedback(j % 10 != 0).metadata(Assessment.METADATA_SCORER_NAME, "quality")
                                .metadata(Assessment.METADATA_SCORER_VERSION, "1")
                                .metadata("vigil.sampling.rate", "1.0").build());
                    }
                    vigil.store().traces().put(traces);
                    vigil.store().assessments().upsertScorerFeedback(feedback);
                }
                exp.scorers().start("quality", SamplingConfig.of(1.0));
                System.out.printf(Locale.ROOT, "seeded %d traces with feedback in %.1f s%n", n - have,
                        (System.nanoTime() - t0) / 1e9);
            }
            try (VigilServer server = VigilServer.builder(vigil).port(0).dashboard(true).start()) {
                HttpClient http = HttpClient.newHttpClient();
                String from = now.minus(Duration.ofDays(30)).toString();
                String base = server.url() + "/api/v1/experiments/speed";
                String[] urls = {base + "/overview?bucket=hour&from=" + from,
                    base + "/aggregates?scorer=quality&bucket=hour&from=" + from};
                for (String u : urls) {
                    get(http, u); // warm-up
                    long best = Long.MAX_VALUE;
                    long total = 0;
                    for (int k = 0; k < 5; k++) {
                        long t = System.nanoTime();
                        int status = get(http, u);
                        long ms = (System.nanoTime() - t) / 1_000_000;
                        if (status != 200) {
                            throw new IllegalStateException(u + " answered " + status);
                        }
                        best = Math.min(best, ms);
                        total += ms;
                    }
                    System.out.printf(Locale.ROOT, "%s: best %d ms, mean %d ms (%d traces)%n",
                            u.substring(base.length(), u.indexOf('?')), best, total / 5, n);
                }
            }
            System.out.println("rollups ready: " + vigil.store().rollups().ready());
            long best = Long.MAX_VALUE;
            for (int k = 0; k < 2; k++) {
                long t = System.nanoTime();
                var values = vigil.store().assessments().valuesByScorer(exp.id(), "quality",
                        now.minus(Duration.ofDays(30)), now.plusSeconds(1));
                int buckets = Aggregator.aggregate(values, Bucket.HOUR, 1.0).size();
                long ms = (System.nanoTime() - t) / 1_000_000;
                best = Math.min(best, ms);
                System.out.printf(Locale.ROOT, "reference full scan (valuesByScorer + Aggregator, in process): %d ms, "
                        + "%d values, %d buckets%n", ms, values.size(), buckets);
            }
            System.out.printf(Locale.ROOT, "reference full scan: best %d ms%n", best);
        }
    }

    static int get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
