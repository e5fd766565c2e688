package dev.vigil.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.ExperimentHandle;
import dev.vigil.core.Vigil;
import dev.vigil.core.scorer.Scorers;
import dev.vigil.core.session.SessionOptions;
import dev.vigil.core.session.SessionScorerEntry;
import dev.vigil.core.session.SessionScoring;
import dev.vigil.server.VigilServer;
import dev.vigil.server.api.ResolvedSessionScorer;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.scorer.Feedback;
import dev.vigil.testkit.Conversations;
import dev.vigil.testkit.MutableClock;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard labels a session scorer's overview row and trend charts as per-session, and a trace scorer's not. */
@Timeout(600)
class SessionLevelBrowserTest {

    private Vigil vigil;
    private VigilServer server;
    private ChromeDriver driver;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (vigil != null) {
            vigil.close();
        }
    }

    @Test
    void sessionScorer_isLabelledPerSession_onTheOverviewAndTrends() throws Exception {
        vigil = Vigil.builder().store("memory:").build();
        ExperimentHandle exp = vigil.experiment("chat");
        exp.scorers().register(Scorers.code("judge", in -> Feedback.of(true)), "judge");
        ResolvedSessionScorer resolved = new ResolvedSessionScorer();
        exp.scorers().register(resolved); // a session scorer: the registry tells the dashboard its level
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
        var store = vigil.store();
        store.traces().put(Conversations.conversation(exp.id(), "s1", t0, Duration.ofMinutes(1), "a", "b", "c", "d"));
        store.traces().put(Conversations.conversation(exp.id(), "s2", t0.plusSeconds(90), Duration.ofMinutes(1),
                "a", "b"));
        new SessionScoring(store, exp.id(), List.of(new SessionScorerEntry(resolved, 1, 1.0)),
                SessionOptions.defaults(), new MutableClock(t0.plus(Duration.ofMinutes(30)))).runOnce();
        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("judge").traceId("s1-t1")
                .source(AssessmentSource.code("judge")).createTime(t0).feedback(true)
                .metadata(Assessment.METADATA_SCORER_NAME, "judge").metadata(Assessment.METADATA_SCORER_VERSION, "1")
                .build()));
        server = VigilServer.builder(vigil).port(0).dashboard(true).start();
        driver = DashboardBrowserTest.chromium(Files.createTempDirectory("vigil-chromium"));
        WebDriverWait wait = new WebDriverWait(driver, DashboardBrowserTest.PAGE_WAIT);

        driver.get(server.url() + "/#/overview");
        wait.until(d -> d.findElements(By.cssSelector("#ov-body tr[data-scorer]")).size() == 2);
        WebElement sessionRow = driver.findElement(By.cssSelector("#ov-body tr[data-scorer='resolved']"));
        WebElement traceRow = driver.findElement(By.cssSelector("#ov-body tr[data-scorer='judge']"));
        assertThat(sessionRow.getAttribute("data-level")).isEqualTo("session");
        assertThat(sessionRow.getText()).contains("per session");
        assertThat(traceRow.getAttribute("data-level")).isEqualTo("trace");
        assertThat(traceRow.getText()).doesNotContain("per session");

        driver.get(server.url() + "/#/trends");
        wait.until(d -> !d.findElements(By.cssSelector("#tr-charts .chart")).isEmpty());
        new Select(driver.findElement(By.id("tr-scorer"))).selectByValue("resolved");
        wait.until(d -> d.findElements(By.cssSelector("#tr-charts .chart[data-level='session']")).size() == 1);
        assertThat(driver.findElement(By.cssSelector("#tr-charts .chart h3")).getText())
                .contains("pass rate per session");
        new Select(driver.findElement(By.id("tr-scorer"))).selectByValue("judge");
        wait.until(d -> d.findElements(By.cssSelector("#tr-charts .chart[data-level='trace']")).size() == 1);
        assertThat(driver.findElement(By.cssSelector("#tr-charts .chart h3")).getText())
                .doesNotContain("per session");
    }
}
