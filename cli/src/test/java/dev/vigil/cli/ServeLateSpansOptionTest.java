package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.otel.TraceAssembler.LateSpanRule;
import dev.vigil.spi.store.Store;
import dev.vigil.spi.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code vigil serve --late-spans keep|rescore|drop}: the rule is applied and a bad value is a one-line error. */
class ServeLateSpansOptionTest {

    private final Store store = Stores.open("memory:");
    private final Cli cli = Cli.on(store);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void badValue_failsInOneLineListingTheAllowedValues_andServesNothing() {
        Cli.Result r = cli.run("serve", "--port", "0", "--duration", "1s", "--late-spans", "rescor");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).startsWith("vigil: ").contains("--late-spans must be keep, rescore or drop, got 'rescor'")
                .doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).doesNotContain("Serving OTLP/HTTP");
    }

    @Test
    void rescore_isTheRuleTheServerRunsWith_andKeepIsTheDefault() {
        Cli.Result r = cli.run("serve", "--port", "0", "--duration", "1s", "--late-spans", "rescore");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("late spans: rescore");

        Cli.Result d = cli.run("serve", "--port", "0", "--duration", "1s");
        assertThat(d.code()).as(d.err()).isZero();
        assertThat(d.out()).contains("late spans: keep");
    }

    @Test
    void eachValue_mapsToItsRule_caseInsensitively() {
        assertThat(ServeCommand.lateSpanRule("keep")).isEqualTo(LateSpanRule.UPDATE_KEEP_ASSESSMENTS);
        assertThat(ServeCommand.lateSpanRule("RESCORE")).isEqualTo(LateSpanRule.RESCORE);
        assertThat(ServeCommand.lateSpanRule(" drop ")).isEqualTo(LateSpanRule.DROP);
    }
}
