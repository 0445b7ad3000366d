package io.conveyor.cost;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/** What an instance costs per hour. */
public interface Prices {

    /** The purchase option of every instance Conveyor launches today (it launches no Spot instances). */
    String ON_DEMAND = "on-demand";

    /**
     * The hourly price in US dollars of one instance of a type bought a way, or empty when it is not known
     * (the instance is then reported as unpriced, never counted as free).
     */
    Optional<BigDecimal> hourlyUsd(String instanceType, String purchaseOption);

    /** Where the prices come from, as a reader should see it (a table and its date, an API, a flag). */
    String source();

    /** One price for every instance, whatever its type (the local mode's {@code --price-per-hour}). */
    static Prices fixed(BigDecimal perHour, String source) {
        Objects.requireNonNull(perHour, "perHour");
        Objects.requireNonNull(source, "source");
        if (perHour.signum() < 0) {
            throw new IllegalArgumentException("price per hour must not be negative, was " + perHour);
        }
        return new Prices() {
            @Override
            public Optional<BigDecimal> hourlyUsd(String instanceType, String purchaseOption) {
                return Optional.of(perHour);
            }

            @Override
            public String source() {
                return source;
            }
        };
    }
}
