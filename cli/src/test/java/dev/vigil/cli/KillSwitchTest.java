package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.SamplingConfig;
import dev.vigil.spi.scorer.ScorerDefinition;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vigil scorers stop} works even when the stored scorer no longer decodes (definition and filter). */
class KillSwitchTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void stop_worksWhenTheDefinitionAndFilterNoLongerDecode() {
        Cli.Result reg = cli.run("scorers", "register", "runaway", "--java", "dev.vigil.cli.demo.DemoScorers$Concise",
                "--start", "--sample-rate", "1.0");
        assertThat(reg.code()).as(reg.err()).isZero();
        Experiment e = store.experiments().findByName("default").orElseThrow();
        ScorerVersion v = store.scorers().latest(e.experimentId(), "runaway").orElseThrow();
        // What an older or broken writer left behind: a definition no codec knows and a filter that does not parse.
        ScorerVersion broken = new ScorerVersion(v.experimentId(), v.name(), v.version(),
                new ScorerDefinition("no-such-kind", Map.of("garbage", true)),
                new SamplingConfig(1.0, "tags.app = = 'rag' AND ((("), v.revision() + 1, v.createdAt(),
                Instant.now());
        store.scorers().update(broken);

        Cli.Result stop = cli.run("scorers", "stop", "runaway");

        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("Stopped 'runaway'");
        ScorerVersion after = store.scorers().latest(e.experimentId(), "runaway").orElseThrow();
        assertThat(after.sampling().sampleRate()).isZero();
        assertThat(after.sampling().filterString()).isEqualTo("tags.app = = 'rag' AND ((("); // kept, not lost
        assertThat(after.definition().kind()).isEqualTo("no-such-kind");
        // stopping again is a no-op, still without decoding
        assertThat(cli.run("scorers", "stop", "runaway").code()).isZero();
    }
}
