package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Python snippet of the seed page, registered as written with {@code vigil scorers register --python}
 * (files and their source in {@code src/test/resources/dev/vigil/cli/seed-snippets}).
 */
class SeedSnippetsCommandTest {
    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    static Path snippet(String file) {
        try {
            return Path.of(Objects.requireNonNull(SeedSnippetsCommandTest.class.getResource("seed-snippets/" + file),
                    file).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> registered() {
        Experiment e = store.experiments().findByName("default").orElse(null);
        List<String> names = new ArrayList<>();
        if (e != null) {
            for (ScorerVersion v : store.scorers().list(e.experimentId())) {
                names.add(v.name());
            }
        }
        return names;
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({
            "05_formality_custom_prompt.py, my_formality_judge, ''",
            "06_custom_scorer_functions.py, databricks_mentions, mentions_databricks",
            "06_custom_scorer_functions.py, response_length, response_length",
            "06_custom_scorer_functions.py, response_relevance_score, response_relevance_score",
            "17_well_designed_scorer.py, well_designed, ''"})
    void scorerSnippet_registersAsWritten(String file, String name, String entryPoint) {
        List<String> args = new ArrayList<>(List.of("scorers", "register", name, "--python", snippet(file).toString()));
        if (!entryPoint.isEmpty()) {
            args.addAll(List.of("--entry-point", entryPoint));
        }
        Cli.Result r = cli.run(args.toArray(String[]::new));

        assertThat(r.code()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("Registered");
        assertThat(registered()).containsExactly(name);
    }

    @Test
    void severalScorers_withoutEntryPoint_namesThemAndTheOption() {
        Cli.Result r = cli.run("scorers", "register", "x", "--python", snippet("06_custom_scorer_functions.py").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("mentions_databricks, response_length, response_relevance_score")
                .contains("--entry-point").doesNotContain("line 0").doesNotContain("\tat ");
        assertThat(registered()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "01_safety_judge.py, --judge safety", "02_safety_judge_model.py, --judge safety",
            "03_guidelines_judge.py, --judge guidelines", "04_guidelines_judge_model.py, --judge guidelines",
            "07_multiple_scorers.py, --judge", "08_basic_lifecycle.py, --judge safety",
            "09_list_scorers.py, vigil scorers list", "10_get_and_update.py, vigil scorers list",
            "11_stop_and_delete.py, vigil scorers", "12_immutable_updates.py, --judge safety",
            "13_backfill_current_rates.py, --judge safety", "14_backfill_custom_rates.py, --judge safety",
            "15_backfill_recent.py, vigil backfill", "16_sampling_strategy.py, --judge safety",
            "18_serialization_issues.py, external_library", "19_enable_archival.py, vigil archive",
            "20_disable_archival.py, vigil archive"})
    void managementSnippet_failsShortly_namingTheVigilWay(String file, String hint) {
        Cli.Result r = cli.run("scorers", "register", "s", "--python", snippet(file).toString());

        assertThat(r.code()).as("out: %s", r.out()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: ").contains(hint).doesNotContain("\tat ");
        assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(3);
        assertThat(registered()).isEmpty();
    }
}
