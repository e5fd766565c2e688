package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Assessment;
import dev.vigil.spi.model.AssessmentSource;
import dev.vigil.spi.model.Trace;
import dev.vigil.spi.model.TraceInfo;
import dev.vigil.spi.model.TraceState;
import dev.vigil.spi.store.Rollup;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RollupsCommandTest {

    private static final Instant T0 = Instant.parse("2026-02-01T08:00:00Z");
    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private String seed(String experiment, int traces) {
        String exp = store.experiments().getOrCreate(experiment).experimentId();
        for (int i = 0; i < traces; i++) {
            String id = experiment + "-" + i;
            Instant at = T0.plusSeconds(i * 3600L);
            store.traces().put(List.of(new Trace(TraceInfo.builder().traceId(id).experimentId(exp).requestTime(at)
                    .state(TraceState.OK).build(), List.of())));
            store.assessments().upsertScorerFeedback(List.of(Assessment.builder().name("ok").traceId(id)
                    .source(AssessmentSource.code("ok")).createTime(at).lastUpdateTime(at).feedback(i % 2 == 0)
                    .metadata(Assessment.METADATA_SCORER_NAME, "ok")
                    .metadata(Assessment.METADATA_SCORER_VERSION, "1").build()));
        }
        return exp;
    }

    @Test
    void rebuild_ofEveryExperimentOrOne_andStatus() {
        String exp = seed("default", 3);
        seed("other", 2);
        List<Rollup> before = store.rollups().hourly(exp, "ok", T0, T0.plusSeconds(10 * 3600));

        Cli.Result all = cli.run("rollups", "rebuild");
        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out()).isEqualTo("Rebuilt 5 rollup rows of every experiment in memory:.\n");

        Cli.Result one = cli.run("rollups", "rebuild", "-e", "other");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).isEqualTo("Rebuilt 2 rollup rows of experiment 'other' in memory:.\n");
        assertThat(store.rollups().hourly(exp, "ok", T0, T0.plusSeconds(10 * 3600))).isEqualTo(before);

        Cli.Result missing = cli.run("rollups", "rebuild", "--experiment", "nope");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("no experiment 'nope'", "default", "other");

        Cli.Result status = cli.run("rollups", "status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).startsWith("Rollups are ready");
    }
}
