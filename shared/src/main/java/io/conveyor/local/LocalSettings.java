package io.conveyor.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the local mode reads and writes, and what it may use.
 *
 * @param inbox      laid out like the input bucket: {@code inbox/<algorithm>/...}
 * @param outbox     laid out like the output bucket: {@code jobs/}, {@code outputs/}
 * @param algorithms the folder of descriptors ({@code *.json}, not its subfolders)
 * @param cpus       CPUs to hand out
 * @param memoryMiB  memory to hand out
 * @param stable     how long a file must stay unchanged before it is taken
 * @param poll       how often the inbox is looked at
 * @param runtime    local processes, or Docker containers
 * @param parameters values of the algorithms' parameters for every input ({@code --param K=V}); an
 *                   input's sidecar ({@link LocalParameters}) overrides them
 */
public record LocalSettings(Path inbox, Path outbox, Path algorithms, double cpus, long memoryMiB, Duration stable,
                            Duration poll, LocalRuntime runtime, Map<String, String> parameters) {

    /** Settings with no parameters given for every input. */
    public LocalSettings(Path inbox, Path outbox, Path algorithms, double cpus, long memoryMiB, Duration stable,
                         Duration poll, LocalRuntime runtime) {
        this(inbox, outbox, algorithms, cpus, memoryMiB, stable, poll, runtime, Map.of());
    }

    /** Settings that run algorithms as local processes. */
    public LocalSettings(Path inbox, Path outbox, Path algorithms, double cpus, long memoryMiB, Duration stable,
                         Duration poll) {
        this(inbox, outbox, algorithms, cpus, memoryMiB, stable, poll, LocalRuntime.PROCESS);
    }

    public LocalSettings {
        Objects.requireNonNull(inbox, "inbox");
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(algorithms, "algorithms");
        inbox = inbox.toAbsolutePath().normalize();
        outbox = outbox.toAbsolutePath().normalize();
        algorithms = algorithms.toAbsolutePath().normalize();
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(stable, "stable");
        if (stable.isNegative()) {
            throw new IllegalArgumentException("stable must not be negative, was " + stable);
        }
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
        parameters.keySet().forEach(LocalParameters::checkName);
    }

    /** The same settings with these parameters for every input. */
    public LocalSettings withParameters(Map<String, String> values) {
        return new LocalSettings(inbox, outbox, algorithms, cpus, memoryMiB, stable, poll, runtime, values);
    }

    /** The same settings with another stability window. */
    public LocalSettings withStable(Duration window) {
        return new LocalSettings(inbox, outbox, algorithms, cpus, memoryMiB, window, poll, runtime, parameters);
    }

    /** Where attempts' logs lie: {@code logs/<job>/<attempt>/algorithm.log}. */
    public Path logs() {
        return outbox.resolve("logs");
    }

    /** Where job records lie. */
    public Path jobs() {
        return outbox.resolve("jobs");
    }

    /** Where finished jobs' outputs lie. */
    public Path outputs() {
        return outbox.resolve("outputs");
    }

    /** Where attempts run. */
    public Path work() {
        return outbox.resolve(".work");
    }
}
