package dev.vigil.judges;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriceTableTest {
    private final PriceTable table = PriceTable.EMPTY.with("openai:/gpt-4o", 2.5, 10.0).with("gpt-4o-mini", 0.15, 0.6);

    @Test
    void cost_byFullUri_thenByNameWithoutTheSchemesSlashes() {
        assertThat(table.cost("openai:/gpt-4o", 1_000_000, 100_000)).hasValue(3.5);
        assertThat(table.cost("openai:/gpt-4o-mini", 1_000_000, 1_000_000)).hasValue(0.75);
        assertThat(table.cost("openai:gpt-4o-mini", 1_000_000, 0)).hasValue(0.15);
        assertThat(table.cost("databricks:///gpt-4o-mini", 0, 1_000_000)).hasValue(0.6);
    }

    @Test
    void cost_unknownModelUnknownTokensOrEmptyTable_isEmpty() {
        assertThat(table.cost("openai:/gpt-5", 10, 10)).isEmpty();
        assertThat(table.cost("openai:/gpt-4o", -1, 10)).isEmpty();
        assertThat(table.cost("openai:/gpt-4o", 10, -1)).isEmpty();
        assertThat(PriceTable.EMPTY.cost("openai:/gpt-4o", 10, 10)).isEmpty();
        assertThat(table.cost("openai:/", 10, 10)).isEmpty();
    }
}
