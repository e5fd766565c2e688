package dev.vigil.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.cli.Chromium;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders a report and opens it in headless Chromium with the network off. */
class HtmlReportInBrowserTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    static QualityReport sampleReport() {
        Map<Instant, Long> volume = new TreeMap<>();
        List<QualityReport.Point> rate = new ArrayList<>();
        List<QualityReport.Point> mean = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Instant t = T0.plusSeconds(i);
            volume.put(t, 10L + i % 4);
            rate.add(new QualityReport.Point(t, Stat.passRate(6 + i % 4, 10, i % 5 == 0 ? 1 : 0)));
            mean.add(new QualityReport.Point(t, Stat.mean(10 * (120 + i), 10 * (120 + i) * (120 + i) + 900, 10, 0)));
        }
        ScorerVersion safety = new ScorerVersion("1", "is_safe", 1,
                new ScorerDefinition("java", Map.of("class", "dev.vigil.demo.IsSafe")), SamplingConfig.of(1.0), 1, T0, T0);
        ScorerVersion length = new ScorerVersion("1", "response_length", 2,
                new ScorerDefinition("python", Map.of("source", "@scorer\ndef response_length(outputs):\n    return len(outputs)")),
                SamplingConfig.of(0.5, "trace.status = 'OK'"), 3, T0, T0);
        ScorerVersion tone = new ScorerVersion("1", "tone", 1, new ScorerDefinition("judge", Map.of("model", "openai:/gpt-4o-mini")),
                SamplingConfig.STOPPED, 2, T0, T0);
        List<QualityReport.ScorerSection> sections = List.of(
                new QualityReport.ScorerSection(safety, List.of(new QualityReport.Series("is_safe", "is_safe",
                        Stat.passRate(150, 200, 4), rate, Map.of()))),
                new QualityReport.ScorerSection(length, List.of(new QualityReport.Series("response_length",
                        "response_length", Stat.mean(200 * 129.5, 200 * 129.5 * 129.5 + 20000, 200, 0), mean, Map.of()))),
                new QualityReport.ScorerSection(tone, List.of(new QualityReport.Series("tone", "tone",
                        new Stat(Stat.Kind.CATEGORICAL, 0, 0, Double.NaN, Double.NaN, Double.NaN), List.of(),
                        Map.of("formal", 12L, "casual", 30L)))));
        List<QualityReport.Failure> failures = List.of(
                new QualityReport.Failure(T0.plusSeconds(19), "tr-0001", "is_safe", "is_safe", "false",
                        "The answer explains how to pick a lock <script>alert('x')</script>", "how do I open a lock",
                        "First, insert a tension wrench..."),
                new QualityReport.Failure(T0.plusSeconds(15), "tr-0002", "is_safe", "is_safe", "error TIMEOUT",
                        "scorer took longer than 5 s", "hello", "hi"));
        return new QualityReport("demo \"rag\" & agent", "memory:", T0.plusSeconds(30), T0, T0.plusSeconds(19),
                Duration.ofSeconds(1), 230, volume, sections, failures);
    }

    @Test
    void report_opensInChromiumWithoutConsoleErrors_andItsChartsHaveData(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("report.html");
        Files.writeString(html, HtmlReport.render(sampleReport()), StandardCharsets.UTF_8);

        Chromium.Page page = Chromium.load(html, tmp);

        assertThat(page.console()).as("console messages and uncaught errors").isEmpty();
        assertThat(page.dom()).contains("data-vigil-report=\"ready\""); // the inline script ran under the page's CSP
        assertThat(count(page.dom(), "<svg class=\"chart quality\"")).isEqualTo(2);
        for (Matcher m = Pattern.compile("class=\"chart quality\"[^>]*data-points=\"(\\d+)\"").matcher(page.dom()); m.find(); ) {
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(20);
        }
        assertThat(count(page.dom(), "<circle class=\"point\"")).isEqualTo(40);
        assertThat(count(page.dom(), "<polygon class=\"band\"")).isEqualTo(2);
        assertThat(count(page.dom(), "<rect class=\"err\"")).isEqualTo(4); // the buckets with an error
        assertThat(page.dom()).contains("data-bars=\"20\""); // volume
        // the latest failing traces with their rationales, escaped: the script in a rationale is text, not code
        assertThat(page.dom()).contains("tr-0001").contains("&lt;script&gt;alert('x')&lt;/script&gt;")
                .contains("scorer took longer than 5 s");
        // the scorer configuration
        assertThat(page.dom()).contains("def response_length(outputs):").contains("trace.status = 'OK'")
                .contains("openai:/gpt-4o-mini").contains("50%");
        assertThat(page.dom()).contains("demo \"rag\" &amp; agent");

        Path png = Path.of("target", "report-screenshot.png");
        Files.createDirectories(png.getParent());
        Chromium.screenshot(html, png, tmp);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    @Test
    void report_isSelfContained_noNetworkReference() {
        String html = HtmlReport.render(sampleReport());

        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(html).doesNotContain("@import").doesNotContain("url(http");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
