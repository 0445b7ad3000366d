package io.conveyor.cost;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * On-demand Linux prices of one region from the table bundled with Conveyor ({@value #RESOURCE}), with its
 * date and source. The table holds only prices that could be checked in a public page when it was made;
 * every other type is unpriced here.
 */
public final class BundledPrices implements Prices {

    /** The bundled table: tab-separated region, instance type, USD per hour, where it was read. */
    public static final String RESOURCE = "/io/conveyor/cost/on-demand-prices.tsv";

    private final String region;
    private final Map<String, BigDecimal> hourly;
    private final String date;
    private final String origin;

    private BundledPrices(String region, Map<String, BigDecimal> hourly, String date, String origin) {
        this.region = region;
        this.hourly = Map.copyOf(hourly);
        this.date = date;
        this.origin = origin;
    }

    /** The bundled prices of {@code region}, e.g. {@code us-east-1}. */
    public static BundledPrices forRegion(String region) {
        Objects.requireNonNull(region, "region");
        try (InputStream in = BundledPrices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + ": missing from the classpath");
            }
            return parse(RESOURCE, "bundled on-demand Linux prices", region,
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /**
     * The prices of {@code region} in an operator's own table, written like {@value #RESOURCE} (a copy of it with
     * their prices: discounts, other types), e.g. for {@code conveyor report --prices FILE}.
     *
     * @throws IllegalArgumentException naming the file and line of what is wrong
     */
    public static BundledPrices fromFile(java.nio.file.Path file, String region) {
        try {
            return parse(file.toString(), "the prices in " + file, region, java.nio.file.Files.readString(file));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** The prices of {@code region} in a table written like {@value #RESOURCE}. */
    static BundledPrices parse(String region, String table) {
        return parse(RESOURCE, "bundled on-demand Linux prices", region, table);
    }

    private static BundledPrices parse(String name, String origin, String region, String table) {
        Map<String, BigDecimal> hourly = new HashMap<>();
        String date = null;
        int number = 0;
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(table))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.startsWith("# date:")) {
                    date = line.substring("# date:".length()).trim();
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length < 3) {
                    throw new IllegalArgumentException(name + " line " + number + ": expected region, type, price");
                }
                BigDecimal price;
                try {
                    price = new BigDecimal(fields[2].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " line " + number + ": price '" + fields[2]
                            + "' is not a number", e);
                }
                if (price.signum() < 0) {
                    throw new IllegalArgumentException(name + " line " + number + ": negative price " + price);
                }
                if (fields[0].trim().equals(region)) {
                    hourly.put(fields[1].trim(), price);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (date == null) {
            throw new IllegalArgumentException(name + ": no '# date:' line (say when the prices were read)");
        }
        return new BundledPrices(region, hourly, date, origin);
    }

    /** The table's price for an on-demand instance of the type; other purchase options are not in it. */
    @Override
    public Optional<BigDecimal> hourlyUsd(String instanceType, String purchaseOption) {
        if (!ON_DEMAND.equals(purchaseOption)) {
            return Optional.empty();
        }
        return Optional.ofNullable(hourly.get(instanceType));
    }

    @Override
    public String source() {
        return origin + " of " + region + " dated " + date + " (" + hourly.size() + " types)";
    }
}
