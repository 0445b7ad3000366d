package io.conveyor.cost;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-demand Linux prices from the AWS Price List Query API, each type's answer cached for {@link #CACHE_FOR} in
 * the process (a Lambda container lives hours; prices change a few times a year). An answer that fails is not
 * cached: the type is unpriced for this question only, and the next one asks again.
 */
public final class PriceListPrices implements Prices {

    private static final Logger LOG = LoggerFactory.getLogger(PriceListPrices.class);

    /**
     * The API's {@code GetProducts} of {@code AmazonEC2} for one instance type in one region, filtered by
     * {@code instanceType}, {@code regionCode}, {@code operatingSystem=Linux}, {@code tenancy=Shared},
     * {@code preInstalledSw=NA} and {@code capacitystatus=Used} (TERM_MATCH each): its {@code PriceList}, one
     * JSON document per product. The API answers only at {@code api.pricing.us-east-1.amazonaws.com} and
     * {@code api.pricing.ap-south-1.amazonaws.com}.
     */
    public interface PriceList {
        List<String> products(String instanceType, String regionCode);
    }

    /** How long one type's price is kept before it is asked again. */
    public static final Duration CACHE_FOR = Duration.ofHours(24);

    private final PriceList priceList;
    private final String region;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<BigDecimal> price, Instant until) {
    }

    /**
     * @param region the region whose prices are asked for (the stack's), e.g. {@code us-east-1}
     */
    public PriceListPrices(PriceList priceList, String region, Clock clock) {
        this.priceList = Objects.requireNonNull(priceList, "priceList");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<BigDecimal> hourlyUsd(String instanceType, String purchaseOption) {
        if (!ON_DEMAND.equals(purchaseOption)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Cached known = cache.get(instanceType);
        if (known != null && now.isBefore(known.until())) {
            return known.price();
        }
        try {
            Optional<BigDecimal> price = onDemandHourly(priceList.products(instanceType, region), instanceType);
            cache.put(instanceType, new Cached(price, now.plus(CACHE_FOR)));
            return price;
        } catch (RuntimeException e) {
            LOG.warn("outcome=price-unknown instanceType={} region={} reason=\"{}\"", instanceType, region,
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public String source() {
        return "AWS Price List API, on-demand Linux prices of " + region + " (cached " + CACHE_FOR.toHours() + " h)";
    }

    /**
     * The hourly USD price in a GetProducts answer: each entry of {@code PriceList} is a JSON document whose
     * {@code terms.OnDemand.*.priceDimensions.*} has {@code unit} {@code Hrs} and {@code pricePerUnit.USD}. Products
     * of another type (a filter the API ignored) are passed over; products that disagree on the price are an error.
     *
     * @throws IllegalArgumentException when an entry is not such a document, or the entries disagree
     */
    static Optional<BigDecimal> onDemandHourly(List<String> priceList, String instanceType) {
        BigDecimal found = null;
        for (String entry : priceList) {
            JsonNode product;
            try {
                product = Json.mapper().readTree(entry);
            } catch (IOException e) {
                throw new IllegalArgumentException("PriceList entry is not JSON: " + e.getMessage(), e);
            }
            if (!instanceType.equals(product.path("product").path("attributes").path("instanceType").asText())) {
                continue;
            }
            for (JsonNode term : product.path("terms").path("OnDemand")) {
                for (JsonNode dimension : term.path("priceDimensions")) {
                    String usd = dimension.path("pricePerUnit").path("USD").asText(null);
                    if (!"Hrs".equals(dimension.path("unit").asText()) || usd == null) {
                        continue;
                    }
                    BigDecimal price;
                    try {
                        price = new BigDecimal(usd).stripTrailingZeros();
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("pricePerUnit.USD '" + usd + "' is not a number", e);
                    }
                    if (price.signum() < 0 || (found != null && found.compareTo(price) != 0)) {
                        throw new IllegalArgumentException(instanceType + ": the Price List gives " + found + " and "
                                + price + " per hour");
                    }
                    found = price;
                }
            }
        }
        return Optional.ofNullable(found);
    }
}
