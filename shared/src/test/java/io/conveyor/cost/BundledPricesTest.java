package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class BundledPricesTest {

    @Test
    void forRegion_bundledTable_pricesOnDemandOnlyWithDateAndSource() {
        // Given the bundled table of us-east-1
        BundledPrices prices = BundledPrices.forRegion("us-east-1");

        // Then a type it holds is priced on demand, not for Spot, and a type it lacks is unpriced
        assertThat(prices.hourlyUsd("m7g.large", Prices.ON_DEMAND)).contains(new BigDecimal("0.0816"));
        assertThat(prices.hourlyUsd("m7g.large", "spot")).isEmpty();
        assertThat(prices.hourlyUsd("m6i.large", Prices.ON_DEMAND)).isEmpty();
        assertThat(prices.source()).contains("2026-06-17").contains("us-east-1");
    }

    @Test
    void forRegion_regionNotInTable_everyTypeUnpriced() {
        assertThat(BundledPrices.forRegion("eu-west-1").hourlyUsd("m7g.large", Prices.ON_DEMAND)).isEmpty();
    }

    @Test
    void parse_badPrice_namesTheLine() {
        assertThatThrownBy(() -> BundledPrices.parse("r", "# date: 2026-01-01\nr\tt\tcheap\tx\n"))
                .hasMessageContaining("line 2").hasMessageContaining("cheap");
    }

    @Test
    void parse_noDate_rejected() {
        assertThatThrownBy(() -> BundledPrices.parse("r", "r\tt\t0.1\tx\n")).hasMessageContaining("date");
    }

    @Test
    void fromFile_operatorsTable_pricesItsRegionAndNamesTheFileInErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // Given an operator's table, and a broken one
        java.nio.file.Path mine = java.nio.file.Files.writeString(dir.resolve("mine.tsv"),
                "# date: 2026-11-01\neu-west-1\tm6i.large\t0.107\tour contract\nus-east-1\tm6i.large\t0.096\tx\n");
        java.nio.file.Path broken = java.nio.file.Files.writeString(dir.resolve("broken.tsv"),
                "# date: 2026-11-01\neu-west-1\tm6i.large\tcheap\n");

        // When
        BundledPrices prices = BundledPrices.fromFile(mine, "eu-west-1");

        // Then
        assertThat(prices.hourlyUsd("m6i.large", Prices.ON_DEMAND)).contains(new java.math.BigDecimal("0.107"));
        assertThat(prices.source()).contains("mine.tsv", "eu-west-1", "2026-11-01");
        assertThatThrownBy(() -> BundledPrices.fromFile(broken, "eu-west-1")).hasMessageContaining("broken.tsv line 2");
        assertThatThrownBy(() -> BundledPrices.fromFile(dir.resolve("absent.tsv"), "eu-west-1"))
                .hasMessageContaining("absent.tsv");
    }
}
