package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.model.Experiment;
import dev.vigil.spi.scorer.ScorerVersion;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import dev.vigil.testkit.TraceGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorersCommandTest {

    private static final String RESPONSE_LENGTH = """
            from mlflow.genai.scorers import scorer

            @scorer(aggregations=["mean", "min", "max"])
            def response_length(outputs):
                \"\"\"Measure response length in characters\"\"\"
                return len(str(outputs))
            """;

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    private List<ScorerVersion> stored(String name) {
        Experiment e = store.experiments().findByName("default").orElseThrow();
        return store.scorers().list(e.experimentId()).stream().filter(v -> v.name().equals(name)).toList();
    }

    @Test
    void registerPython_fromTheSeedsSource_storesItsSourceAndStartsIt(@TempDir Path tmp) throws Exception {
        Path py = tmp.resolve("length.py");
        Files.writeString(py, RESPONSE_LENGTH);

        Cli.Result reg = cli.run("scorers", "register", "response_length", "--python", py.toString(),
                "--start", "--sample-rate", "0.5");

        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(reg.out()).isEqualTo("Registered 'response_length' version 1 (python): active at 50% in experiment 'default'.\n");
        ScorerVersion v = stored("response_length").get(0);
        assertThat(v.definition().kind()).isEqualTo("python");
        assertThat(v.definition().config().values()).anySatisfy(c -> assertThat(String.valueOf(c)).contains("def response_length(outputs):"));
        assertThat(cli.run("scorers", "get", "response_length").out()).contains("def response_length(outputs):");
    }

    @Test
    void lifecycle_registerStartUpdateStopDelete_asTheSeedDoes() {
        String cls = "dev.vigil.cli.demo.DemoScorers$Concise";
        Cli.Result reg = cli.run("scorers", "register", "concise", "--java", cls);
        assertThat(reg.code()).as(reg.err()).isZero();
        assertThat(reg.out()).isEqualTo("Registered 'concise' version 1 (java): stopped in experiment 'default'.\n"
                + "Start it with: vigil scorers start concise --sample-rate 0.5\n");

        Cli.Result start = cli.run("scorers", "start", "concise", "--sample-rate", "0.7");
        assertThat(start.out()).isEqualTo("Started 'concise' version 1 (java): active at 70%.\n");
        assertThat(stored("concise")).singleElement().satisfies(v -> assertThat(v.sampling().sampleRate()).isEqualTo(0.7));

        Cli.Result update = cli.run("scorers", "update", "concise", "--sample-rate", "0.8", "--filter", "trace.status = 'OK'");
        assertThat(update.out()).isEqualTo("Updated 'concise' version 1 (java): active at 80%, filter trace.status = 'OK'.\n");

        Cli.Result list = cli.run("scorers", "list");
        assertThat(list.out().lines().toList()).containsExactly(
                "NAME     VERSION  KIND  LEVEL  STATE   SAMPLE RATE  FILTER               HEALTH  PENDING  LAST FAILURE",
                "concise        1  java  trace  active          80%  trace.status = 'OK'  ok            0");

        assertThat(cli.run("scorers", "stop", "concise").out())
                .isEqualTo("Stopped 'concise' version 1 (java): stopped, filter trace.status = 'OK'.\n");
        assertThat(stored("concise").get(0).sampling().sampleRate()).isZero();

        Cli.Result get = cli.run("scorers", "get", "concise");
        assertThat(get.out()).contains("state:       stopped").contains("class: " + cls);

        assertThat(cli.run("scorers", "start", "concise", "--sample-rate", "0.3").out()).contains("active at 30%");
        Cli.Result again = cli.run("scorers", "register", "concise", "--java", cls);
        assertThat(again.out()).startsWith("Registered 'concise' version 2");
        assertThat(cli.run("scorers", "list", "--all-versions").out().lines()).hasSize(3);

        Cli.Result delete = cli.run("scorers", "delete", "concise");
        assertThat(delete.out()).isEqualTo("Deleted 'concise' (2 versions) from experiment 'default'.\n");
        assertThat(stored("concise")).isEmpty();
    }

    @Test
    void registerJavaClass_withStart_storesItsClassName() {
        Cli.Result r = cli.run("scorers", "register", "english", "--java", "dev.vigil.cli.demo.DemoScorers$IsEnglish",
                "--start", "--sample-rate", "0.25", "--filter", "tags.app = 'rag'");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Registered 'english' version 1 (java): active at 25%, filter tags.app = 'rag' "
                + "in experiment 'default'.\n");
        ScorerVersion v = stored("english").get(0);
        assertThat(v.definition().config()).containsEntry("class", "dev.vigil.cli.demo.DemoScorers$IsEnglish");
        assertThat(v.sampling().filterString()).isEqualTo("tags.app = 'rag'");
    }

    @Test
    void try_runsOnTheLatestTraces_andStoresNothing() {
        Experiment e = store.experiments().getOrCreate("default");
        store.traces().put(new TraceGenerator(3, e.experimentId()).traces(30));
        cli.run("scorers", "register", "no_secrets", "--java", "dev.vigil.cli.demo.DemoScorers$NoSecrets");

        Cli.Result r = cli.run("scorers", "try", "no_secrets", "--last", "5", "--from", "3650d");

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("TRACE").contains("VALUE");
        assertThat(lines.subList(1, 6)).allSatisfy(l -> assertThat(l).startsWith("tr-").contains("true"));
        assertThat(r.out()).contains("Tried 'no_secrets' on 5 of the 5 latest traces since ")
                .contains(" (--from 3650d; its filter picks which); 0 errors; nothing stored.");
        assertThat(store.traces().scan(dev.vigil.spi.store.TraceQuery.all(e.experimentId()), null, 100).traces())
                .allSatisfy(t -> assertThat(store.assessments().listByTrace(t.traceId())).isEmpty());
    }

    @Test
    void unknownScorer_listsTheRegisteredOnes() {
        cli.run("scorers", "register", "no_secrets", "--java", "dev.vigil.cli.demo.DemoScorers$NoSecrets");

        Cli.Result r = cli.run("scorers", "start", "no_secret", "--sample-rate", "0.5");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: ").contains("'no_secret'").contains("experiment 'default'")
                .contains("Registered: no_secrets").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void badFilterOnStart_pointsAtTheColumn() {
        cli.run("scorers", "register", "no_secrets", "--java", "dev.vigil.cli.demo.DemoScorers$NoSecrets");

        Cli.Result r = cli.run("scorers", "start", "no_secrets", "--sample-rate", "0.5", "--filter", "tags.app == 'rag'");

        assertThat(r.code()).isEqualTo(2);
        String[] lines = r.err().split("\n");
        assertThat(lines[0]).contains("invalid filter at column 11"); // the second '='
        assertThat(lines[2].indexOf('^') - lines[1].indexOf("tags.app")).isEqualTo(10);
        assertThat(stored("no_secrets").get(0).sampling().isActive()).isFalse();
    }

    @Test
    void pythonSyntaxError_isReportedWithItsLine_andNothingIsRegistered(@TempDir Path tmp) throws Exception {
        Path py = tmp.resolve("broken.py");
        Files.writeString(py, "from mlflow.genai.scorers import scorer\n\n@scorer\ndef broken(outputs):\n    return len(outputs\n");

        Cli.Result r = cli.run("scorers", "register", "broken", "--python", py.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("vigil: " + py + " line ").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        assertThat(store.experiments().findByName("default").map(e -> store.scorers().list(e.experimentId())))
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o.get()).isEmpty());
    }

    @Test
    void judgeWithoutItsKey_registers_andNotesWhatToSetWhereItScores() {
        Cli.Result r = cli.run("scorers", "register", "safety", "--judge", "safety", "--model", "databricks:/judge-endpoint");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Registered 'safety' version 1 (judge)");
        assertThat(r.err()).startsWith("vigil: note: ").contains("DATABRICKS").contains("not to register it")
                .doesNotContain("builder()").doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(stored("safety")).singleElement()
                .satisfies(v -> assertThat(v.definition().config()).containsEntry("model", "databricks:/judge-endpoint"));
    }

    @Test
    void judgeWithAnUnknownModelScheme_isAnError_andRegistersNothing() {
        Cli.Result r = cli.run("scorers", "register", "safety", "--judge", "safety", "--model", "nosuch:/m");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown judge model scheme 'nosuch'");
        assertThat(store.experiments().findByName("default").map(e -> store.scorers().list(e.experimentId())))
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o.get()).isEmpty());
    }

    @Test
    void registerWithStartAndABadFilter_failsAndRegistersNothing(@TempDir Path tmp) throws Exception {
        Path py = tmp.resolve("length.py");
        Files.writeString(py, RESPONSE_LENGTH);

        Cli.Result r = cli.run("scorers", "register", "x3", "--python", py.toString(), "--start", "--filter", "tags.env = prod");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("invalid filter");
        assertThat(store.experiments().findByName("default").map(e -> store.scorers().list(e.experimentId())))
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o.get()).isEmpty());
    }

    @Test
    void registerWithFilterOrRateButNoStart_isAnError_insteadOfDroppingThem() {
        String cls = "dev.vigil.cli.demo.DemoScorers$Concise";

        Cli.Result filter = cli.run("scorers", "register", "c", "--java", cls, "--filter", "tags.env = 'prod'");
        Cli.Result rate = cli.run("scorers", "register", "c", "--java", cls, "--sample-rate", "0.4");

        assertThat(filter.code()).isEqualTo(2);
        assertThat(filter.err()).contains("--filter applies only with --start");
        assertThat(rate.code()).isEqualTo(2);
        assertThat(rate.err()).contains("--sample-rate applies only with --start");
        assertThat(store.experiments().findByName("default").map(e -> store.scorers().list(e.experimentId())))
                .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o.get()).isEmpty());
    }

    @Test
    void sampleRateThatSamplesNothing_isRejectedEverywhere() {
        String cls = "dev.vigil.cli.demo.DemoScorers$Concise";
        assertThat(cli.run("scorers", "register", "c", "--java", cls).code()).isZero();

        Cli.Result register = cli.run("scorers", "register", "d", "--java", cls, "--start", "--sample-rate", "1e-300");
        Cli.Result start = cli.run("scorers", "start", "c", "--sample-rate", "1e-300");
        Cli.Result above = cli.run("scorers", "start", "c", "--sample-rate", "1.5");
        Cli.Result update = cli.run("scorers", "update", "c", "--sample-rate", "-0.1");
        Cli.Result backfill = cli.run("backfill", "--scorer", "c:1e-300");

        for (Cli.Result r : List.of(register, start, above, update, backfill)) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("out of range").contains("[0.000001, 1]");
        }
        assertThat(stored("d")).isEmpty();
        assertThat(stored("c").get(0).sampling().isActive()).isFalse();
        assertThat(cli.run("scorers", "start", "c", "--sample-rate", "0.000001").code()).isZero();
        assertThat(cli.run("scorers", "update", "c", "--sample-rate", "0").code()).isZero();
    }

    @Test
    void tryWithLastBelowOne_isRejected() {
        cli.run("scorers", "register", "c", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");

        Cli.Result r = cli.run("scorers", "try", "c", "--last", "-1");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--last -1").contains("1 or more");
    }

    @Test
    void tryWithNoRecentTrace_namesTheWindowAndHowToWidenIt() {
        cli.run("scorers", "register", "c", "--java", "dev.vigil.cli.demo.DemoScorers$Concise");

        Cli.Result r = cli.run("scorers", "try", "c");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("has no trace since ").contains("(--from 7d)").contains("--from 30d")
                .contains("0 errors");
    }

    @Test
    void tryWithOneError_saysOneError_andMetricsInNameOrder(@TempDir Path tmp) throws Exception {
        Experiment e = store.experiments().getOrCreate("default");
        store.traces().put(new TraceGenerator(3, e.experimentId()).traces(1));
        Path py = tmp.resolve("boom.py");
        Files.writeString(py, "from mlflow.genai.scorers import scorer\n\n@scorer(aggregations=['mean', 'min', 'max'])\n"
                + "def boom(outputs):\n    raise ValueError('boom')\n");
        assertThat(cli.run("scorers", "register", "boom", "--python", py.toString()).code()).isZero();

        Cli.Result r = cli.run("scorers", "try", "boom", "--from", "3650d");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("; 1 error; nothing stored").doesNotContain("1 errors");
        List<String> metrics = r.out().lines().filter(l -> l.startsWith("  ") && l.contains(" = ")).toList();
        assertThat(metrics).isSortedAccordingTo(java.util.Comparator.naturalOrder());
    }

    @Test
    void nameWithUnicodeOrSpaces_isQuotedInTheSuggestedCommand() {
        Cli.Result r = cli.run("scorers", "register", "réponse courte", "--java", "dev.vigil.cli.demo.DemoScorers$Concise",
                "-e", "équipe");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Start it with: vigil scorers start 'réponse courte' -e 'équipe' --sample-rate 0.5");
    }

    @Test
    void unknownJudge_listsTheKnownOnes() {
        Cli.Result r = cli.run("scorers", "register", "x", "--judge", "toxicity");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown judge 'toxicity'").contains("safety").contains("guidelines");
    }
}
