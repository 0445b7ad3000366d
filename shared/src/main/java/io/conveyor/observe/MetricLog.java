package io.conveyor.observe;

/**
 * Where metric lines go: the function's standard output on Lambda, which CloudWatch Logs turns into
 * metrics (Embedded Metric Format); no API call on the way.
 */
@FunctionalInterface
public interface MetricLog {

    /** Writes nowhere (the local mode, tests that do not look). */
    MetricLog NONE = line -> { };

    /** Writes each line to standard output, as Lambda's log lines (the one at the time of writing: {@code conveyor
     * invoke} points it at its standard error while a handler runs, its standard output being the response's). */
    MetricLog STDOUT = line -> System.out.println(line);

    /** Writes one line of Embedded Metric Format JSON. */
    void write(String line);
}
