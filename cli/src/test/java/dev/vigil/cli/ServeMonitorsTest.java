package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.engine.internal.FeedbackAssessment;
import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.FeedbackValue;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue #17: {@code vigil serve} evaluates the store's monitors on schedule, not only {@code vigil monitor}. */
class ServeMonitorsTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private void score(String experimentId, Instant at, String traceId, boolean pass) {
        store.traces().put(List.of(new Trace(TraceInfo.builder().traceId(traceId).experimentId(experimentId)
                .requestTime(at).build(), List.of())));
        store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("safety").traceId(traceId)
                .source(AssessmentSource.code("safety")).createTime(at).value(FeedbackValue.of(pass))
                .metadata(Map.of(Assessment.METADATA_SCORER_NAME, "safety", Assessment.METADATA_SCORER_VERSION,
                        "1", FeedbackAssessment.METADATA_SAMPLE_RATE, "1.0"))
                .build()));
    }

    @Test
    @Timeout(300)
    void serve_evaluatesAMonitorOnSchedule_itsStateLeavesNoData() {
        Cli.Result created = cli.run("monitors", "create", "safety-pass-rate", "--scorer", "safety", "--window", "1h",
                "--every", "10s", "--critical", "0.9", "--min-samples", "3", "--late-data-delay", "0s");
        assertThat(created.code()).as(created.err()).isZero();
        String experimentId = store.experiments().list().getFirst().experimentId();
        Instant recent = Instant.now().minus(Duration.ofMinutes(2));
        for (int i = 0; i < 5; i++) {
            score(experimentId, recent.plusSeconds(i), "tr-serve-monitor-" + i, false);
        }
        assertThat(cli.run("monitors", "get", "safety-pass-rate").out()).contains("State: NO_DATA");

        // only 'vigil serve' runs; its scheduler checks every second, the duration leaves a busy machine slack
        Cli.Result served = cli.run("serve", "--port", "0", "--duration", "30s", "--monitor-every", "1s");

        assertThat(served.code()).as(served.err()).isZero();
        assertThat(served.out()).contains("Stopped cleanly.");
        assertThat(cli.run("monitors", "get", "safety-pass-rate").out()).contains("State: CRITICAL");
        assertThat(cli.run("monitors", "history", "safety-pass-rate").out()).contains("CRITICAL");
    }

    @Test
    void serve_withAMonitorTickThatIsNoLength_isAUsageErrorSayingWhatIsAllowed() {
        Cli.Result r = cli.run("serve", "--port", "0", "--duration", "1s", "--monitor-every", "100ms");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--monitor-every must be a length of time like 30s", "'100ms'");
    }
}
