package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.filter.TraceFilter;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.judges.JudgeRuntime;
import dev.vigil.judges.Judges;
import dev.vigil.server.ApiTestScorers;
import dev.vigil.server.VigilServer;
import dev.vigil.spi.json.Json;
import dev.vigil.spi.model.Span;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.TraceGenerator;
import dev.vigil.testkit.http.OpenAiWire;
import dev.vigil.testkit.http.ScriptedHttpServer;
import dev.vigil.testkit.session.CountingSessionScorer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's Chromium driven by Selenium through Debian's chromedriver (both
 * installed by {@code ./run-tests}, {@code .ci/setup.d/10-chromium.sh}), against a running server whose store holds
 * generated traces scored by a code scorer, a Java class scorer and an LLM judge (on a loopback fake OpenAI).
 * Screenshots of each page go to {@code server/target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(600)
class DashboardBrowserTest {

    static final String XSS = "<img src=x onerror=alert(1)>";
    static final Path SHOTS = Path.of("target", "screenshots");

    static ScriptedHttpServer openai;
    static Vigil vigil;
    static ExperimentHandle app;
    /** The deadline of every wait on the page or the engine (a hang guard on a loaded machine). */
    static final Duration PAGE_WAIT = Duration.ofMinutes(5);

    static VigilServer server;
    static ChromeDriver driver;
    static Path profile;
    static List<Trace> traces;
    static Trace xssTrace;

    @BeforeAll
    static void start() throws Exception {
        openai = ScriptedHttpServer.start();
        openai.fallback(new OpenAiWire().answer(Json.write(Map.of("rationale",
                "The answer is polite and contains nothing harmful.", "result", "yes"))));
        vigil = Vigil.builder().store("memory:").settleDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .sessionPassInterval(Duration.ofSeconds(1)).build();
        app = vigil.experiment("support-bot");
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
        TraceGenerator gen = new TraceGenerator(42, app.id(), start, Duration.ofMinutes(3));
        traces = new ArrayList<>(gen.traces(90));
        xssTrace = withHostileInput(gen.ragTrace(Instant.now().minusSeconds(30)));
        traces.add(xssTrace);
        app.log(traces);
        app.scorers().register(Scorers.code("concise", in -> Feedback.of(in.outputText() != null
                && in.outputText().length() < 220, "the answer is " + (in.outputText() == null ? 0
                        : in.outputText().length()) + " characters long"))).start(SamplingConfig.of(0.5));
        app.scorers().register(Scorers.ofClass("short", ApiTestScorers.Short.class)).start(SamplingConfig.of(1.0));
        JudgeRuntime runtime = JudgeRuntime.builder().environment(Map.of("OPENAI_BASE_URL", openai.baseUri() + "/v1",
                "OPENAI_API_KEY", "sk-test")).cache(false).build();
        app.scorers().register(Judges.safety().model("openai:/gpt-4o-mini").runtime(runtime).build())
                .start(SamplingConfig.of(1.0));
        vigil.startMonitoring();
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        await("every trace scored (short, safety: all; concise: its 50 % sample)", () -> {
            var st = vigil.stats();
            var concise = st.scorer("concise");
            return scoredCount("short") == traces.size() && scoredCount("safety") == traces.size()
                    && st.tracesSeen() >= traces.size() && st.queueDepth() == 0 && concise.sampled() > 0
                    && scoredCount("concise") == concise.sampled();
        });

        Files.createDirectories(SHOTS);
        profile = Files.createTempDirectory("vigil-chromium");
        driver = chromium(profile);
    }

    static long scoredCount(String scorer) {
        return vigil.store().assessments().valuesByScorer(app.id(), scorer, Instant.EPOCH, Instant.now()
                .plusSeconds(60)).size();
    }

    static Trace withHostileInput(Trace t) {
        List<Span> spans = new ArrayList<>();
        for (Span s : t.spans()) {
            spans.add(s.parentSpanId() == null ? s.toBuilder().inputs(Map.of("question", XSS)).build() : s);
        }
        return new Trace(t.info().toBuilder().requestPreview(XSS).build(), spans);
    }

    static ChromeDriver chromium(Path userData) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(Path.of("/usr/bin/chromium").toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + userData, "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        if (!Files.isExecutable(chromedriver)) {
            throw new AssertionError("/usr/bin/chromedriver is missing: run ./run-tests (its setup installs Debian's"
                    + " chromium and chromium-driver) or apt-get install chromium chromium-driver");
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().window().setSize(new Dimension(1280, 800));
        d.manage().timeouts().scriptTimeout(PAGE_WAIT).pageLoadTimeout(PAGE_WAIT);
        return d;
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (vigil != null) {
            vigil.close();
        }
        if (openai != null) {
            openai.close();
        }
    }

    @AfterEach
    void noConsoleErrorsAndNoDialog() {
        assertNoDialog();
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()
                    && !e.getMessage().contains("the server responded with a status of 400")) {
                errors.add(e.getMessage());
            }
        }
        assertThat(errors).as("console errors").isEmpty();
    }

    static void assertNoDialog() {
        try {
            String text = driver.switchTo().alert().getText();
            throw new AssertionError("a dialog opened: " + text);
        } catch (NoAlertPresentException expected) {
            // no dialog
        }
    }

    static void open(String hash) {
        driver.get(server.url() + "/" + hash);
    }

    /**
     * A wait for a condition on the page, with a deadline generous enough for a machine under heavy load (it is a
     * hang guard, not a speed check: every wait returns as soon as its condition holds).
     */
    static WebDriverWait waiting() {
        WebDriverWait w = new WebDriverWait(driver, PAGE_WAIT);
        w.ignoring(StaleElementReferenceException.class); // live pages re-render every 1-2 s
        return w;
    }

    static void shot(String name) throws IOException {
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> api(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + "/api/v1" + path).toURL()
                .openConnection();
        try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PAGE_WAIT.multipliedBy(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what + (app == null ? "" : "; scored per scorer: "
                + app.scorers().list().stream().map(s -> s.name() + "=" + scoredCount(s.name())).toList()
                + " of " + traces.size()));
    }

    @Test
    @Order(1)
    void overview_listsTheScorersWithTheValuesTheApiGives() throws Exception {
        open("#/overview");
        waiting().until(d -> d.findElements(By.cssSelector("#ov-body tr[data-scorer]")).size() >= 3);
        Map<String, Object> ov = api("/experiments/support-bot/overview?bucket=hour&from="
                + enc(Instant.now().minus(Duration.ofHours(24)).toString()));
        Map<String, String> expected = new HashMap<>();
        for (Map<String, Object> s : list(ov.get("scorers"))) {
            for (Map<String, Object> m : list(s.get("metrics"))) {
                expected.put(s.get("name") + "/" + m.get("feedbackName"), String.format(Locale.ROOT, "%.1f %%",
                        100 * ((Number) m.get("value")).doubleValue()));
            }
        }
        assertThat(expected).containsKeys("concise/concise", "short/short", "safety/safety");
        waiting().until(d -> {
            Map<String, String> shown = new HashMap<>();
            for (WebElement row : d.findElements(By.cssSelector("#ov-body tr[data-scorer]"))) {
                shown.put(row.getAttribute("data-scorer") + "/" + row.getAttribute("data-feedback"),
                        row.findElement(By.cssSelector("td.value")).getText());
            }
            return shown.equals(expected);
        });
        waiting().until(d -> d.findElement(By.id("engine")).getText().contains("UP"));
        shot("overview");
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void overview_showsTheMonitorsStateAndTheBudgetsUse_asTheApiGivesThem() throws Exception {
        // one monitor, evaluated once against the scored traces, and one budget on the judge
        var notifiers = dev.vigil.core.monitor.NotificationDispatcher.loaded(new dev.vigil.spi.notify.NotifierContext(
                java.time.Clock.systemUTC(), d -> { }, java.util.Optional.empty(), d -> { }));
        var monitors = new dev.vigil.core.monitor.MonitorService(vigil.store(), java.time.Clock.systemUTC(),
                notifiers, 1.0);
        monitors.create(app.id(), "safety-pass-rate", new dev.vigil.core.monitor.MonitorDefinition("safety", null,
                dev.vigil.core.monitor.MonitorMetric.PASS_RATE, null, Duration.ofHours(24), Duration.ofMinutes(1),
                dev.vigil.core.monitor.Direction.BELOW, 0.95, 0.9, 30, dev.vigil.core.monitor.ConfidenceMode.INTERVAL,
                Duration.ZERO, 0.01, List.of()));
        assertThat(monitors.evaluateNow(app.id(), "safety-pass-rate")).isPresent();
        vigil.store().budgets().put(new dev.vigil.spi.store.Budget(app.id(), "safety-daily", "safety",
                dev.vigil.spi.store.BudgetPeriod.DAY, 0, 5.0, dev.vigil.spi.store.BudgetAction.ALERT, Instant.now()));

        Map<String, Object> m = list(api("/experiments/support-bot/monitors").get("monitors")).getFirst();
        Map<String, Object> last = (Map<String, Object>) m.get("last");
        assertThat(m.get("state")).isIn("OK", "WARNING", "CRITICAL");
        Map<String, Object> b = list(api("/experiments/support-bot/budgets").get("budgets")).getFirst();
        Map<String, Object> use = (Map<String, Object>) b.get("usage");

        open("#/overview");
        waiting().until(d -> !d.findElements(By.cssSelector("#mon-body tr[data-monitor]")).isEmpty()
                && !d.findElements(By.cssSelector("#bud-body tr[data-budget]")).isEmpty());
        String since = (String) driver.executeScript("return new Date(arguments[0]).toLocaleString();", m.get("since"));
        String value = pct(last.get("value"));
        String interval = "[" + pct(last.get("low")) + ", " + pct(last.get("high")) + "]";
        waiting().until(d -> {
            WebElement row = d.findElement(By.cssSelector("#mon-body tr[data-monitor='safety-pass-rate']"));
            WebElement state = row.findElement(By.cssSelector("td.state"));
            return row.getText().contains("safety") && state.getText().equals(m.get("state"))
                    && state.getAttribute("class").contains("state-" + m.get("state"))
                    && row.findElement(By.cssSelector("td.since")).getText().equals(since)
                    && row.findElement(By.cssSelector("td.value")).getText().equals(value)
                    && row.findElement(By.cssSelector("td.interval")).getText().equals(interval);
        });
        // the table is re-rendered every 2 s: read both colours from one rendering, retried if it was replaced
        List<String> colours = waiting().until(d -> List.of(
                d.findElement(By.cssSelector("#mon-body td.state")).getCssValue("color"),
                d.findElement(By.cssSelector("#mon-body td:first-child")).getCssValue("color")));
        assertThat(colours.get(0)).as("the state is coloured").isNotEqualTo(colours.get(1));

        String spent = "$" + String.format(Locale.ROOT, "%.4f", ((Number) use.get("spentUsd")).doubleValue());
        String used = pct(use.get("usedShare"));
        waiting().until(d -> {
            WebElement row = d.findElement(By.cssSelector("#bud-body tr[data-budget='safety-daily']"));
            return row.getText().contains("safety") && row.getText().contains("day")
                    && row.findElement(By.cssSelector("td.limit")).getText().equals("$5.00")
                    && row.findElement(By.cssSelector("td.spent")).getText().equals(spent)
                    && row.findElement(By.cssSelector("td.used")).getText().equals(used)
                    && !row.findElements(By.cssSelector(".bar > div")).isEmpty();
        });
        driver.executeScript("document.getElementById('alerts').scrollIntoView();");
        shot("overview-alerts");
    }

    static long count(Map<String, Object> counters, String field) {
        return ((Number) counters.get(field)).longValue();
    }

    static String pct(Object share) {
        return share == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * ((Number) share).doubleValue());
    }

    @Test
    @Order(2)
    void trends_chartHasOnePointPerBucketWithABand() throws Exception {
        open("#/trends");
        waiting().until(d -> !d.findElements(By.cssSelector("#tr-charts .chart canvas")).isEmpty());
        Set<Instant> hours = new TreeSet<>();
        for (Trace t : traces) {
            hours.add(t.info().requestTime().truncatedTo(ChronoUnit.HOURS));
        }
        WebElement chart = driver.findElement(By.cssSelector("#tr-charts .chart"));
        assertThat(chart.getAttribute("data-points")).isEqualTo(Integer.toString(hours.size()));
        // concise scores a 50 % sample: each bucket's 95 % interval of the population pass rate has a width
        List<Map<String, Object>> buckets = list(api("/experiments/support-bot/aggregates?scorer=concise&bucket=hour"
                + "&from=" + enc(Instant.now().minus(Duration.ofHours(24)).toString())).get("buckets"));
        assertThat(buckets).hasSize(hours.size());
        long banded = buckets.stream().filter(b -> ((Number) b.get("high")).doubleValue()
                > ((Number) b.get("low")).doubleValue()).count();
        assertThat(banded).isPositive();
        assertThat(chart.getAttribute("data-band")).isEqualTo(Long.toString(banded));
        // uPlot draws one series per line: value, band low, band high (the band is filled between them), n
        Object series = driver.executeScript("return document.querySelectorAll('#tr-charts .chart .u-legend "
                + ".u-series').length");
        assertThat(((Number) series).intValue()).isEqualTo(5);
        String legend = chart.findElement(By.cssSelector(".u-legend")).getText();
        assertThat(legend).contains("low").contains("high").contains("n");
        shot("trends");
    }

    @Test
    @Order(3)
    void traces_filterNarrowsTheTableToTheApisTraces_andABadFilterShowsTheColumn() throws Exception {
        open("#/traces");
        waiting().until(d -> d.findElements(By.cssSelector("#traces-body tr[data-trace]")).size() == 50);
        shot("traces");
        String filter = "trace.status = 'ERROR'";
        WebElement box = driver.findElement(By.id("filter"));
        box.clear();
        box.sendKeys(filter);
        driver.findElement(By.id("apply")).click();
        Set<String> api = new TreeSet<>();
        list(api("/experiments/support-bot/traces?maxResults=500&filter=" + enc(filter)).get("traces"))
                .forEach(r -> api.add((String) r.get("traceId")));
        Set<String> expected = new TreeSet<>(traces.stream().filter(TraceFilter.parse(filter)).map(Trace::traceId)
                .toList());
        assertThat(api).isEqualTo(expected).isNotEmpty();
        waiting().until(d -> {
            Set<String> shown = new TreeSet<>();
            d.findElements(By.cssSelector("#traces-body tr[data-trace]")).forEach(r -> shown.add(
                    r.getAttribute("data-trace")));
            return shown.equals(api);
        });
        shot("traces-filtered");

        box.clear();
        box.sendKeys("trace.status = = 'OK'");
        driver.findElement(By.id("apply")).click();
        WebElement err = waiting().until(d -> {
            WebElement e = d.findElement(By.id("filter-error"));
            return e.isDisplayed() ? e : null;
        });
        assertThat(err.getAttribute("data-column")).isEqualTo("16");
        assertThat(err.getText()).contains("column 16").contains("^");
        shot("traces-bad-filter");
        box.clear();
        driver.findElement(By.id("apply")).click();
    }

    @Test
    @Order(4)
    void tracePage_showsTheSpanTreeAndAJudgeRationale_andTakesAHumanLabel() throws Exception {
        Trace t = traces.get(2);
        open("#/trace/" + t.traceId());
        waiting().until(d -> !d.findElements(By.cssSelector("#span-tree li[data-span]")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("#span-tree li[data-span]"))).hasSize(t.spans().size());
        Span root = t.spans().stream().filter(s -> s.parentSpanId() == null).findFirst().orElseThrow();
        assertThat(driver.findElement(By.cssSelector("#span-tree > ul > li[data-span='" + root.spanId() + "']"))
                .getText()).contains(root.name());
        WebElement safety = driver.findElement(By.cssSelector("#assessments tr[data-assessment='safety']"));
        assertThat(safety.findElement(By.cssSelector("td.rationale")).getText())
                .isEqualTo("The answer is polite and contains nothing harmful.");
        assertThat(safety.getText()).contains("LLM_JUDGE");
        shot("trace");

        driver.findElement(By.id("label-name")).sendKeys("helpful");
        driver.findElement(By.id("label-rationale")).sendKeys("answered the question");
        driver.findElement(By.id("label-add")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("#assessments tr[data-assessment='helpful']")).isEmpty());
        assertThat(app.assessments(t.traceId())).anySatisfy(a -> {
            assertThat(a.name()).isEqualTo("helpful");
            assertThat(a.source().type().name()).isEqualTo("HUMAN");
            assertThat(a.rationale()).isEqualTo("answered the question");
        });
    }

    @Test
    @Order(5)
    void hostileTraceContent_rendersAsTextAndOpensNoDialog() throws Exception {
        open("#/traces");
        waiting().until(d -> !d.findElements(By.cssSelector("#traces-body tr[data-trace='" + xssTrace.traceId()
                + "']")).isEmpty());
        // the table is re-rendered every 2 s: read the cell from one rendering, retried if it was replaced
        String request = waiting().until(d -> d.findElement(By.cssSelector("#traces-body tr[data-trace='"
                + xssTrace.traceId() + "'] td.request")).getText());
        assertThat(request).isEqualTo(XSS);
        assertThat(driver.findElements(By.cssSelector("#traces img"))).isEmpty();
        open("#/trace/" + xssTrace.traceId());
        waiting().until(d -> !d.findElements(By.cssSelector("#span-tree pre.span-inputs")).isEmpty());
        assertThat(driver.findElement(By.id("request")).getText()).isEqualTo(XSS);
        assertThat(driver.findElement(By.cssSelector("#span-tree pre.span-inputs")).getText()).contains(XSS);
        assertThat(driver.findElements(By.cssSelector("main img"))).isEmpty();
        // let the page run what it queued (an injected handler would be among it): two frames, then a task
        driver.executeAsyncScript("const done = arguments[arguments.length - 1]; "
                + "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)));");
        assertNoDialog();
        shot("trace-hostile-input");
    }

    @Test
    @Order(6)
    void stoppingAScorerFromThePage_changesTheRegistry() throws Exception {
        open("#/scorers");
        By stop = By.cssSelector("#scorers-body tr[data-scorer='short'] button[data-action='stop']");
        waiting().until(d -> !d.findElements(stop).isEmpty());
        shot("scorers");
        assertThat(app.scorers().get("short").isActive()).isTrue();
        driver.findElement(stop).click();
        waiting().until(d -> d.findElement(By.cssSelector("#scorers-body tr[data-scorer='short'] td.state"))
                .getText().equals("STOPPED"));
        assertThat(app.scorers().get("short").isActive()).isFalse();
        assertThat(app.scorers().get("short").state().name()).isEqualTo("STOPPED");

        // the registry's rules, shown inline: a rate outside [0, 1]
        WebElement rate = driver.findElement(By.cssSelector("#scorers-body tr[data-scorer='short'] input.rate"));
        rate.clear();
        rate.sendKeys("3");
        driver.findElement(By.cssSelector("#scorers-body tr[data-scorer='short'] button[data-action='start']"))
                .click();
        WebElement err = waiting().until(d -> {
            WebElement e = d.findElement(By.cssSelector("#scorers-body tr[data-scorer='short'] .row-error"));
            return e.isDisplayed() ? e : null;
        });
        assertThat(err.getText()).contains("[0, 1]");
        assertThat(app.scorers().get("short").isActive()).isFalse();
    }

    @Test
    @Order(7)
    void aBackfillStartedFromThePage_reachesOneHundredPercent() throws Exception {
        open("#/scorers");
        waiting().until(d -> !d.findElements(By.cssSelector("#bf-scorer option")).isEmpty());
        driver.findElement(By.cssSelector("#bf-scorer option[value='short']")).click();
        driver.executeScript("document.getElementById('bf-from').value = arguments[0];",
                java.time.LocalDateTime.now().minusHours(8).truncatedTo(ChronoUnit.MINUTES).toString());
        driver.findElement(By.id("bf-start")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("#backfills .backfill")).isEmpty());
        waiting().until(d -> {
            List<WebElement> b = d.findElements(By.cssSelector("#backfills .backfill[data-status='SUCCEEDED']"));
            return b.isEmpty() ? null : b.getFirst();
        });
        String percent = (String) driver.executeScript("const b = document.querySelector(\"#backfills "
                + ".backfill[data-status='SUCCEEDED']\"); return b.getAttribute('data-percent') + '|' + b.textContent;");
        assertThat(percent).startsWith("100|").contains("100 %").matches("(?s).*scanned (\\d+)/\\1 .*");
        shot("backfill");
    }

    @Test
    @Order(8)
    void aNarrowWindow_stillShowsTheTraceTable() throws Exception {
        driver.manage().window().setSize(new Dimension(420, 800));
        try {
            open("#/traces");
            waiting().until(d -> !d.findElements(By.cssSelector("#traces-body tr[data-trace]")).isEmpty());
            assertThat(driver.findElement(By.id("filter")).isDisplayed()).isTrue();
            shot("traces-narrow");
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    @Order(9)
    void newTracesAndScores_appearWithoutAReload() throws Exception {
        open("#/traces");
        waiting().until(d -> !d.findElements(By.cssSelector("#traces-body tr[data-trace]")).isEmpty());
        driver.executeScript("window.vigilNoReload = true;");
        Trace fresh = new TraceGenerator(7, app.id(), Instant.now(), Duration.ofSeconds(1)).errorRate(0).ragTrace(
                Instant.now());
        app.log(fresh);
        By row = By.cssSelector("#traces-body tr[data-trace='" + fresh.traceId() + "']");
        waiting().until(d -> !d.findElements(row).isEmpty());
        // the judge's feedback arrives in the same row once scored
        waiting().until(d -> d.findElement(row).getText().contains("yes"));
        assertThat(driver.executeScript("return window.vigilNoReload === true")).isEqualTo(true);
    }

    @Test
    @Order(10)
    void withAToken_theLoginFormSignsInAndThePagesLoad() throws Exception {
        try (VigilServer guarded = VigilServer.builder(vigil).host("127.0.0.1").port(0).token("letmein")
                .dashboard(true).start()) {
            driver.get(guarded.url() + "/");
            waiting().until(d -> d.getCurrentUrl().endsWith("/login"));
            shot("login");
            driver.findElement(By.id("token")).sendKeys("wrong");
            driver.findElement(By.id("sign-in")).click();
            waiting().until(d -> !d.findElements(By.id("login-error")).isEmpty());
            driver.findElement(By.id("token")).sendKeys("letmein");
            driver.findElement(By.id("sign-in")).click();
            waiting().until(d -> d.findElements(By.cssSelector("#ov-body tr[data-scorer]")).size() >= 3);
            Object readable = driver.executeScript("return document.cookie");
            assertThat(readable.toString()).doesNotContain("vigil_session");
        }
        // the wrong token's 401 page logs an error in the console by design: clear the log
        driver.manage().logs().get(LogType.BROWSER);
    }

    /**
     * Last: it adds a second experiment, which the pages would otherwise open first (the experiments are listed by
     * name and none is chosen).
     */
    @Test
    @Order(11)
    @SuppressWarnings("unchecked")
    void overview_showsTheSessionMonitorsCounters_forThisExperimentAndAll_asTheApiGivesThem() throws Exception {
        ExperimentHandle chat = vigil.experiment("chat-sessions");
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1)); // idle long ago: scored on the next pass
        chat.log(Conversations.conversation(chat.id(), "s1", hourAgo, Duration.ofMinutes(1), "Hi", "Hello!",
                "Where is my order?", "On its way."));
        chat.log(Conversations.conversation(chat.id(), "s2", hourAgo, Duration.ofMinutes(1), "Hello", "Hi!",
                "Can I change my order?", "Yes, until it ships."));
        CountingSessionScorer.reset();
        try {
            chat.scorers().register(Scorers.ofClass(CountingSessionScorer.NAME, CountingSessionScorer.class))
                    .start(SamplingConfig.of(1.0));
            await("both sessions scored by the session monitor",
                    () -> vigil.stats(chat.id()).sessions().scored() == 2);
            chat.scorers().stop(CountingSessionScorer.NAME); // no more passes: the counters stay put
            assertThat(CountingSessionScorer.seen()).containsExactlyInAnyOrder("s1@2", "s2@2");

            String from = "/overview?bucket=hour&from=" + enc(Instant.now().minus(Duration.ofHours(24)).toString());
            Map<String, Object> mine = (Map<String, Object>) api("/experiments/chat-sessions" + from).get("sessions");
            assertThat(count(mine, "scored")).isEqualTo(2);
            assertThat(count(mine, "errors") + count(mine, "deferred")).isZero();
            assertThat(count(mine, "passes")).isPositive();
            Map<String, Object> other = (Map<String, Object>) api("/experiments/support-bot" + from).get("sessions");
            assertThat(count(other, "passes") + count(other, "scored")).as("support-bot runs no session scorer")
                    .isZero();

            driver.get(server.url() + "/?experiment=chat-sessions#/overview");
            // each card shows this experiment's count, and every experiment's under it, as the API gives them now
            waiting().until(d -> {
                try {
                    Map<String, Object> ov = api("/experiments/chat-sessions" + from);
                    Map<String, Object> here = (Map<String, Object>) ov.get("sessions");
                    Map<String, Object> all = (Map<String, Object>) ((Map<String, Object>) ov.get("engine"))
                            .get("sessions");
                    for (String f : List.of("passes", "scored", "errors", "deferred")) {
                        WebElement c = d.findElement(By.cssSelector("#sessions .card[data-field='" + f + "']"));
                        if (!c.findElement(By.cssSelector(".v")).getText().equals(String.valueOf(here.get(f)))
                                || !c.findElement(By.cssSelector(".n")).getText()
                                        .equals("all experiments: " + all.get(f))) {
                            return false;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(driver.findElement(By.cssSelector("#sessions .card[data-field='scored'] .v")).getText())
                    .isEqualTo("2");
            shot("overview-sessions");
        } finally {
            CountingSessionScorer.reset();
        }
    }
}
