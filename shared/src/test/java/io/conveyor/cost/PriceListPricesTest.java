package io.conveyor.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceListPricesTest {

    private static List<String> sample() throws Exception {
        JsonNode answer = Json.mapper().readTree(Files.readAllBytes(
                Path.of("src/test/resources/pricing/get-products-m7g-large.json")));
        List<String> list = new ArrayList<>();
        answer.path("PriceList").forEach(entry -> list.add(entry.asText()));
        return list;
    }

    @Test
    void onDemandHourly_getProductsAnswer_theOnDemandHourlyPriceNotTheReservedOne() throws Exception {
        assertThat(PriceListPrices.onDemandHourly(sample(), "m7g.large")).contains(new BigDecimal("0.0816"));
    }

    @Test
    void onDemandHourly_productOfAnotherType_passedOver() throws Exception {
        assertThat(PriceListPrices.onDemandHourly(sample(), "m6i.large")).isEmpty();
    }

    @Test
    void onDemandHourly_entryNotJson_rejected() {
        assertThatThrownBy(() -> PriceListPrices.onDemandHourly(List.of("{not json"), "m7g.large"))
                .hasMessageContaining("PriceList entry is not JSON");
    }

    @Test
    void onDemandHourly_productsDisagree_rejectedNamingBothPrices() throws Exception {
        List<String> two = new ArrayList<>(sample());
        two.add(two.get(0).replace("0.0816000000", "0.0900000000"));

        assertThatThrownBy(() -> PriceListPrices.onDemandHourly(two, "m7g.large"))
                .hasMessageContaining("0.0816").hasMessageContaining("0.09");
    }

    @Test
    void hourlyUsd_askedTwiceWithinADay_askedOnceThenAgainAfter() throws Exception {
        // Given a price list that counts its questions, and a clock we move
        List<String> asked = new ArrayList<>();
        List<String> answer = sample();
        Instant[] now = {Instant.parse("2026-11-29T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        PriceListPrices prices = new PriceListPrices((type, region) -> {
            asked.add(type + "@" + region);
            return answer;
        }, "us-east-1", clock);

        // When a type's price is asked for twice, then again after the cache's day
        prices.hourlyUsd("m7g.large", Prices.ON_DEMAND);
        prices.hourlyUsd("m7g.large", Prices.ON_DEMAND);
        now[0] = now[0].plus(PriceListPrices.CACHE_FOR).plus(Duration.ofSeconds(1));
        BigDecimal later = prices.hourlyUsd("m7g.large", Prices.ON_DEMAND).orElseThrow();

        // Then the API was asked once per day, with the stack's region
        assertThat(asked).containsExactly("m7g.large@us-east-1", "m7g.large@us-east-1");
        assertThat(later).isEqualByComparingTo("0.0816");
        assertThat(prices.hourlyUsd("m7g.large", "spot")).isEmpty();
    }

    @Test
    void hourlyUsd_apiFails_unpricedAndNotCached() {
        // Given a price list that fails once, then answers nothing
        int[] calls = {0};
        PriceListPrices prices = new PriceListPrices((type, region) -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("throttled");
            }
            return List.of();
        }, "us-east-1", Clock.systemUTC());

        // Then the failed question is unpriced, and the next one asks again
        assertThat(prices.hourlyUsd("m7g.large", Prices.ON_DEMAND)).isEmpty();
        assertThat(prices.hourlyUsd("m7g.large", Prices.ON_DEMAND)).isEmpty();
        assertThat(calls[0]).isEqualTo(2);
    }
}
