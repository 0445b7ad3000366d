package io.conveyor.cli.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobRecord;
import io.conveyor.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every job command shares: its target ({@link TargetOptions}, found by {@link Targets}) and
 * how it prints (a table, or JSON with {@code -o json}).
 */
abstract class TargetCommand implements Callable<Integer> {

    /** Made on first use: Jackson takes a good part of a second to start, which help and usage errors need not pay. */
    private static final class Pretty {
        static final ObjectMapper MAPPER = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Mixin
    TargetOptions target = new TargetOptions();
    @Option(names = {"-o", "--output"}, paramLabel = "table|json", description = "how to print (default: table)")
    Format format = Format.TABLE;

    /** How results are printed: a table for people, JSON for scripts. */
    enum Format { TABLE, JSON }

    final Path home;
    final Environment environment;
    final PrintStream out;
    final PrintStream err;

    TargetCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        this.home = home;
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public final Integer call() throws UsageException {
        try (Target opened = Targets.open(target, environment, home)) {
            return run(opened);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /** The command's work on its target; returns the exit code. */
    abstract int run(Target target) throws UsageException;

    boolean json() {
        return format == Format.JSON;
    }

    void printJson(Object value) {
        try {
            out.println(Pretty.MAPPER.writeValueAsString(value));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A job by its id, or by its input (a key, or an {@code s3://} or file location): the newest such job. */
    Optional<JobRecord> find(Target target, String jobOrInput) {
        Optional<JobRecord> byId = jobOrInput.startsWith("job-") ? target.jobs().get(jobOrInput) : Optional.empty();
        if (byId.isPresent()) {
            return byId;
        }
        return target.jobs().list(io.conveyor.jobs.JobQuery.newest(1000)).stream()
                .filter(job -> job.input() != null && (job.input().equals(jobOrInput)
                        || job.input().endsWith("/" + jobOrInput)))
                .findFirst().flatMap(job -> target.jobs().get(job.id()));
    }
}
