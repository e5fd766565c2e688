package dev.vigil.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.TraceGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300)
class RestApiTest {

    private Vigil vigil;
    private VigilServer server;
    private Http http;
    private ExperimentHandle app;
    private List<Trace> traces;

    @BeforeEach
    void seed() {
        vigil = Vigil.builder().store("memory:").settleDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .build();
        app = vigil.experiment("shop");
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
        traces = new TraceGenerator(7, app.id(), start, Duration.ofMinutes(2)).traces(120);
        app.log(traces);
        app.scorers().register(Scorers.code("long_answer", in -> Feedback.of(
                in.outputText() != null && in.outputText().length() > 200, "length " + (in.outputText() == null
                        ? 0 : in.outputText().length())))).start(SamplingConfig.of(1.0));
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        http = new Http(server.url() + "/api/v1");
    }

    @AfterEach
    void close() {
        server.close();
        vigil.close();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @Test
    void experiments_listWithCounts_unknownIs404WithJsonError() throws Exception {
        Http.Reply r = http.get("/experiments");
        assertThat(r.status()).isEqualTo(200);
        assertThat(list(r.json().get("experiments"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("name", "shop").containsEntry("traceCount", 120L));
        Http.Reply missing = http.get("/experiments/nope/traces");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat((Map<String, Object>) missing.json().get("error")).containsEntry("code", "RESOURCE_DOES_NOT_EXIST")
                .hasEntrySatisfying("message", m -> assertThat(m.toString()).contains("nope").contains("shop"));
        assertThat(http.get("/no/such/route").status()).isEqualTo(404);
    }

    @Test
    void traces_newestFirstKeysetPaging_seesEveryTraceOnceInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        List<String> times = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Http.Reply r = http.get("/experiments/shop/traces?maxResults=25" + (token == null ? ""
                    : "&pageToken=" + token));
            assertThat(r.status()).isEqualTo(200);
            for (Map<String, Object> row : list(r.json().get("traces"))) {
                seen.add((String) row.get("traceId"));
                times.add((String) row.get("requestTime"));
            }
            token = (String) r.json().get("nextPageToken");
            pages++;
        } while (token != null && pages < 20);
        List<String> expected = traces.stream().sorted(Comparator.comparing((Trace t) -> t.info().requestTime())
                .thenComparing(Trace::traceId).reversed()).map(Trace::traceId).toList();
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(5);
        assertThat(http.get("/experiments/shop/traces?pageToken=garbage").status()).isEqualTo(400);
        assertThat(http.get("/experiments/shop/traces?maxResults=0").json().toString()).contains("between 1 and 500");
    }

    @Test
    void traces_filter_returnsExactlyTheMatchingTraces_andABadFilterNamesTheColumn() throws Exception {
        String filter = "trace.status = 'ERROR'";
        Http.Reply r = http.get("/experiments/shop/traces?maxResults=500&filter="
                + java.net.URLEncoder.encode(filter, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        Set<String> got = new TreeSet<>();
        list(r.json().get("traces")).forEach(row -> got.add((String) row.get("traceId")));
        TraceFilter f = TraceFilter.parse(filter);
        Set<String> want = new TreeSet<>(traces.stream().filter(f).map(Trace::traceId).toList());
        assertThat(want).isNotEmpty().hasSizeLessThan(traces.size());
        assertThat(got).isEqualTo(want);

        Http.Reply bad = http.get("/experiments/shop/traces?filter="
                + java.net.URLEncoder.encode("trace.status = = 'OK'", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        @SuppressWarnings("unchecked")
        Map<String, Object> err = (Map<String, Object>) bad.json().get("error");
        assertThat(err).containsEntry("code", "INVALID_FILTER").containsEntry("column", 16L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void trace_withSpansAndAssessments_humanFeedbackAndOverride() throws Exception {
        vigil.startMonitoring();
        Trace t = traces.get(3);
        String path = "/experiments/shop/traces/" + t.traceId();
        awaitAssessment(path, "long_answer");
        Map<String, Object> full = http.get(path).json();
        Map<String, Object> info = (Map<String, Object>) full.get("info");
        assertThat(((Map<String, Object>) full.get("data")).get("spans")).asList().hasSize(t.spans().size());
        Map<String, Object> judged = list(info.get("assessments")).stream()
                .filter(a -> "long_answer".equals(a.get("assessment_name"))).findFirst().orElseThrow();
        assertThat(judged.get("rationale").toString()).startsWith("length ");

        Http.Reply added = http.post(path + "/assessments", Map.of("name", "helpful", "value", true,
                "rationale", "answered the question", "sourceId", "alice@example.com"));
        assertThat(added.status()).isEqualTo(201);
        assertThat((Map<String, Object>) added.json().get("source")).containsEntry("source_type", "HUMAN")
                .containsEntry("source_id", "alice@example.com");
        Http.Reply expectation = http.post(path + "/assessments", Map.of("name", "expected_facts", "type",
                "expectation", "value", List.of("30 days")));
        assertThat(expectation.status()).isEqualTo(201);
        Http.Reply over = http.post(path + "/assessments/" + judged.get("assessment_id") + "/override",
                Map.of("value", false, "rationale", "too long for a chat"));
        assertThat(over.status()).isEqualTo(201);
        assertThat(over.json()).containsEntry("overrides", judged.get("assessment_id"))
                .containsEntry("assessment_name", "long_answer");
        List<Map<String, Object>> after = list(((Map<String, Object>) http.get(path).json().get("info"))
                .get("assessments"));
        assertThat(after).extracting(a -> a.get("assessment_name")).contains("helpful", "expected_facts");
        assertThat(http.post(path + "/assessments", Map.of("value", true)).json().toString())
                .contains("needs a name");
    }

    private void awaitAssessment(String path, String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (http.get(path).text().contains("\"" + name + "\"")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + name + " assessment on " + path + " within 2 minutes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void scorers_lifecycle_withTheRegistrysRulesAndErrors() throws Exception {
        Http.Reply reg = http.post("/experiments/shop/scorers", Map.of("name", "short", "kind", "java",
                "config", Map.of("class", "dev.vigil.server.ApiTestScorers$Short"),
                "start", Map.of("sampleRate", 0.5, "filter", "trace.status = 'OK'")));
        assertThat(reg.status()).as(reg.text()).isEqualTo(201);
        assertThat(reg.json()).containsEntry("state", "ACTIVE").containsEntry("sampleRate", 0.5)
                .containsEntry("filter", "trace.status = 'OK'").containsEntry("kind", "java")
                .containsEntry("level", "trace");
        assertThat(vigil.experiment("shop").scorers().get("short").sampleRate()).isEqualTo(0.5);

        Http.Reply upd = http.post("/experiments/shop/scorers/short/update", Map.of("sampleRate", 0.25));
        assertThat(upd.json()).containsEntry("sampleRate", 0.25).containsEntry("filter", "trace.status = 'OK'");
        Http.Reply stop = http.post("/experiments/shop/scorers/short/stop", null);
        assertThat(stop.json()).containsEntry("state", "STOPPED");
        assertThat(app.scorers().get("short").isActive()).isFalse();
        Http.Reply badRate = http.post("/experiments/shop/scorers/short/start", Map.of("sampleRate", 2));
        assertThat(badRate.status()).isEqualTo(400);
        assertThat(badRate.json().toString()).contains("[0, 1]");
        Http.Reply badFilter = http.post("/experiments/shop/scorers/short/start", Map.of("sampleRate", 1,
                "filter", "trace.nope = 1"));
        assertThat(badFilter.status()).isEqualTo(400);
        Http.Reply unknown = http.post("/experiments/shop/scorers/nope/start", Map.of("sampleRate", 1));
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        assertThat(unknown.json().toString()).contains("nope").contains("Registered: ").contains("short");
        Http.Reply badKind = http.post("/experiments/shop/scorers", Map.of("name", "x", "kind", "cobol"));
        assertThat(badKind.status()).isEqualTo(400);

        http.post("/experiments/shop/scorers", Map.of("name", "short", "kind", "java",
                "config", Map.of("class", "dev.vigil.server.ApiTestScorers$Short")));
        assertThat(list(http.get("/experiments/shop/scorers/short/versions").json().get("versions")))
                .extracting(v -> v.get("version")).containsExactly(1L, 2L);
        Http.Reply tried = http.post("/experiments/shop/scorers/short/try", Map.of("traceIds",
                List.of(traces.get(0).traceId(), traces.get(1).traceId())));
        assertThat(tried.status()).as(tried.text()).isEqualTo(200);
        assertThat(list(tried.json().get("results"))).isNotEmpty();
        assertThat(list(http.get("/experiments/shop/scorers").json().get("scorers")))
                .extracting(s -> s.get("name")).contains("short", "long_answer");
        Http.Reply del = http.delete("/experiments/shop/scorers/short");
        assertThat(del.json()).containsEntry("deleted", 2L);
        assertThat(http.get("/experiments/shop/scorers/short").status()).isEqualTo(404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aggregates_perBucketWithIntervals_overviewMatches_backfillReachesHundred() throws Exception {
        Instant from = traces.getFirst().info().requestTime().truncatedTo(ChronoUnit.HOURS);
        Instant to = Instant.now().plusSeconds(1);
        Http.Reply started = http.post("/experiments/shop/backfills", Map.of("scorers", List.of(Map.of("name",
                "long_answer", "sampleRate", 1.0)), "from", from.toString(), "to", to.toString()));
        assertThat(started.status()).as(started.text()).isEqualTo(201);
        String job = (String) started.json().get("jobId");
        Map<String, Object> p = Map.of();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            p = http.get("/experiments/shop/backfills/" + job).json();
            if (!"RUNNING".equals(p.get("status")) && !"PENDING".equals(p.get("status"))) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(p).containsEntry("status", "SUCCEEDED").containsEntry("percent", 100.0)
                .containsEntry("scored", 120L).containsEntry("scanned", 120L).containsEntry("total", 120L)
                .containsEntry("remaining", 0L).containsEntry("deferred", 0L);
        assertThat(list(http.get("/experiments/shop/backfills").json().get("backfills")))
                .extracting(b -> b.get("jobId")).containsExactly(job);

        Map<String, Object> agg = http.get("/experiments/shop/aggregates?scorer=long_answer&bucket=hour&from="
                + from + "&to=" + to).json();
        List<Map<String, Object>> buckets = list(agg.get("buckets"));
        Set<String> hours = new HashSet<>();
        traces.forEach(t -> hours.add(t.info().requestTime().truncatedTo(ChronoUnit.HOURS).toString()));
        assertThat(buckets).extracting(b -> b.get("bucketStart")).containsExactlyInAnyOrderElementsOf(hours);
        long total = 0;
        for (Map<String, Object> b : buckets) {
            assertThat(b).containsEntry("kind", "passRate");
            double v = ((Number) b.get("value")).doubleValue();
            assertThat(((Number) b.get("low")).doubleValue()).isLessThanOrEqualTo(v);
            assertThat(((Number) b.get("high")).doubleValue()).isGreaterThanOrEqualTo(v);
            total += ((Number) b.get("n")).longValue();
        }
        assertThat(total).isEqualTo(120);

        Map<String, Object> overview = http.get("/experiments/shop/overview?from=" + from + "&to=" + to).json();
        Map<String, Object> s = list(overview.get("scorers")).getFirst();
        Map<String, Object> metric = list(s.get("metrics")).getFirst();
        double passed = 0;
        for (Map<String, Object> b : buckets) {
            passed += ((Number) b.get("value")).doubleValue() * ((Number) b.get("n")).longValue();
        }
        assertThat(metric).containsEntry("n", 120L).containsEntry("kind", "passRate");
        assertThat(list(metric.get("sparkline"))).hasSize(hours.size());
        assertThat(overview.get("engine")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("queueDepth", "cursorLag", "throughputPerSecond");
        assertThat(((Number) metric.get("value")).doubleValue()).isCloseTo(passed / 120, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(http.get("/experiments/shop/aggregates?scorer=long_answer&bucket=week").status()).isEqualTo(400);
    }

    @Test
    void writes_needJsonSameOriginAndFitTheLimit() throws Exception {
        Http.Reply form = http.call("POST", "/experiments/shop/scorers/long_answer/stop",
                "application/x-www-form-urlencoded", "a=b");
        assertThat(form.status()).isEqualTo(415);
        Http.Reply crossSite = http.post("/experiments/shop/scorers/long_answer/stop", null,
                "Sec-Fetch-Site", "cross-site");
        assertThat(crossSite.status()).isEqualTo(403);
        Http.Reply crossOrigin = http.post("/experiments/shop/scorers/long_answer/stop", null,
                "Origin", "http://evil.example");
        assertThat(crossOrigin.status()).isEqualTo(403);
        assertThat(app.scorers().get("long_answer").isActive()).isTrue();
        try (VigilServer small = VigilServer.builder(vigil).port(0).dashboard(true).maxRequestBytes(1024).start()) {
            Http.Reply big = new Http(small.url() + "/api/v1").post("/experiments/shop/traces/x/assessments",
                    Map.of("name", "n", "value", "x".repeat(4096)));
            assertThat(big.status()).isEqualTo(413);
            assertThat(big.json().toString()).contains("larger than 1024 bytes");
        }
        assertThat(http.call("PUT", "/experiments", "application/json", "{}").status()).isEqualTo(405);
        assertThat(http.post("/experiments", null, "Content-Type", "application/json").status()).isEqualTo(400);
        Http.Reply notJson = http.call("POST", "/experiments", "application/json", "{nope");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().toString()).contains("not valid JSON");
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApi_documentsExactlyTheRoutesThatExist() throws Exception {
        Map<String, Object> doc = http.get("/openapi.json").json();
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((p, ops) -> ops.keySet().forEach(m -> documented.add(m.toUpperCase() + " " + p)));
        ApiRouter router = new ApiRouter(vigil, java.time.Clock.systemUTC(), 1024);
        assertThat(documented).isEqualTo(new TreeSet<>(router.routeKeys()));
        assertThat(Json.write(doc)).contains("\"openapi\":\"3.1.0\"");
    }

    @Test
    void health_reportsTheEngine() throws Exception {
        vigil.startMonitoring();
        Map<String, Object> h = http.get("/health").json();
        assertThat(h).containsEntry("monitoring", true).containsEntry("status", "UP").containsKeys("queueDepth",
                "cursorLag", "tracesSeen", "loopFailures");
        assertThat(h.get("sessions")).as("the session monitor's counters").isInstanceOfSatisfying(Map.class,
                s -> assertThat(s).containsOnlyKeys("passes", "scored", "errors", "deferred")
                        .allSatisfy((k, v) -> assertThat(v).isInstanceOf(Number.class)));
    }
}
