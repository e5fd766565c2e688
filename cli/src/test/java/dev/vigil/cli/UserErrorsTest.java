package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mistakes people make get one or two lines saying what was wrong and what to do, exit code 2, no stack trace. */
class UserErrorsTest {

    private final Store store = Stores.open("memory:");

    @AfterEach
    void close() {
        store.close();
    }

    private static void assertShort(Cli.Result r) {
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("vigil: ").doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void unknownStoreScheme_listsTheSchemesThatExist() {
        Cli.Result r = Cli.real().run("traces", "export", "--store", "mongo://localhost/x", "-o", "x.json");

        assertShort(r);
        assertThat(r.err()).contains("cannot open store 'mongo://localhost/x'").contains("no store for scheme 'mongo:'")
                .contains("memory:").contains("Use --store with");
        assertThat(r.err().lines().count()).isEqualTo(2);
    }

    @Test
    void storeUriWithoutScheme_saysWhatAUriLooksLike() {
        Cli.Result r = Cli.real().run("report", "--store", "vigil-data");

        assertShort(r);
        assertThat(r.err()).contains("has no scheme");
    }

    @Test
    void badFilter_pointsACaretAtTheColumn() {
        store.experiments().getOrCreate("default");
        String filter = "trace.status = 'OK' AND AND tags.x = 'y'";

        Cli.Result r = Cli.on(store).run("traces", "export", "--filter", filter, "-o", "x.json");

        assertShort(r);
        String[] lines = r.err().split("\n");
        int col = filter.indexOf("AND AND") + 5;
        assertThat(lines[0]).contains("invalid filter at column " + col);
        int filterAt = lines[1].indexOf(filter);
        assertThat(filterAt).isGreaterThanOrEqualTo(0);
        assertThat(lines[2].indexOf('^')).isEqualTo(filterAt + col - 1);
    }

    @Test
    void unknownExperiment_listsTheOnesThatExist() {
        store.experiments().getOrCreate("prod");

        Cli.Result r = Cli.on(store).run("report", "-e", "prdo");

        assertShort(r);
        assertThat(r.err()).isEqualTo("vigil: no experiment 'prdo' in " + store.describe() + "; experiments: prod\n");
    }

    @Test
    void unknownOption_saysSoAndWhereHelpIs() {
        Cli.Result r = Cli.real().run("traces", "export", "--frmo", "2h", "-o", "x.json");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown options: '--frmo'").contains("Possible solutions: --from").contains("Try 'vigil traces export --help'");
    }

    @Test
    void badTime_saysWhatTimesLookLike() {
        Cli.Result r = Cli.real().run("report", "--from", "yesterday");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'yesterday' is not a time").contains("2h");
    }

    @Test
    void verbose_addsTheStackTrace() {
        Cli.Result r = Cli.real().run("report", "--store", "mongo://x", "--verbose");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("\tat ");
    }
}
