package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.jobs.JobLogs;
import io.conveyor.jobs.JobOperations;
import io.conveyor.jobs.JobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a job command acts on: a deployed stack (or the sandbox, which stands one up on an emulator),
 * or a local mode's outbox. Each command is written once against this.
 */
interface Target extends AutoCloseable {

    /** Where this is, for messages: {@code stack conveyor (eu-west-1)}, {@code outbox ./outbox}. */
    String describe();

    /** The job records, and the index that lists them. */
    JobStore jobs();

    /** What the jobs' containers wrote. */
    JobLogs logs();

    /** Cancel and retry, done by {@code who}. */
    JobOperations operations();

    /** The containers of an attempt, in the order they run. */
    List<String> containers();

    /** What is registered (or, locally, in the algorithms folder), by name. */
    List<Algorithm> algorithms() throws UsageException;

    /** The algorithm of that name that can take inputs now (registered and active, or a valid local descriptor). */
    Optional<Algorithm> usable(String name) throws UsageException;

    /** Puts an input where this target runs it, with its parameters; what became of it. */
    Submitted submit(Path file, String algorithm, Map<String, String> parameters) throws UsageException;

    /** Hands descriptors to this target's registration and waits up to {@code wait} for each outcome. */
    List<Registered> register(List<Path> descriptors, Duration wait) throws UsageException;

    /** The instances, queues and dead letters; {@code null} where the target has no fleet (the local mode). */
    Fleet fleet() throws UsageException;

    @Override
    void close();

    /** An input handed over: where it lies, and the job it becomes, when that can be known now. */
    record Submitted(String file, String input, String jobId, String note) {
    }

    /** What became of a descriptor: the registration's status, and every error with its path. */
    record Registered(String file, String status, String algorithm, List<String> errors, List<String> warnings) {
        public Registered {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }
}
