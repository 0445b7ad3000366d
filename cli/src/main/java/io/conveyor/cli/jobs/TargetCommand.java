package io.conveyor.cli.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.conveyor.aws.AwsClients;
import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.jobs.JobRecord;
import io.conveyor.json.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

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
        try (Target opened = open()) {
            return run(opened);
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /** The command's work on its target; returns the exit code. */
    abstract int run(Target target) throws UsageException;

    boolean json() {
        return target.format == TargetOptions.Format.JSON;
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

    private Target open() throws UsageException {
        Targets.Choice choice = Targets.choose(target, environment);
        if (choice.outbox() != null) {
            return LocalTarget.open(choice.outbox(), home);
        }
        Map<String, String> variables = new HashMap<>();
        for (String name : new String[] {AwsClients.REGION_VARIABLE, "AWS_DEFAULT_REGION", AwsClients.ENDPOINT_VARIABLE}) {
            environment.optional(name).ifPresent(value -> variables.put(name, value));
        }
        String stack = choice.stack();
        if (choice.envFile() != null) {
            Map<String, String> file = Targets.envFile(choice.envFile());
            variables.putAll(file);
            if (stack == null) {
                stack = file.getOrDefault(Targets.STACK, "sandbox");
            }
            // The emulator's credentials are in the file: this process uses them (system properties come
            // first in the SDK's default chain), so a shell need not export them.
            if (file.containsKey("AWS_ACCESS_KEY_ID") && file.containsKey("AWS_SECRET_ACCESS_KEY")) {
                System.setProperty("aws.accessKeyId", file.get("AWS_ACCESS_KEY_ID"));
                System.setProperty("aws.secretAccessKey", file.get("AWS_SECRET_ACCESS_KEY"));
            }
        }
        if (choice.region() != null) {
            variables.put(AwsClients.REGION_VARIABLE, choice.region());
        }
        variables.putIfAbsent(AwsClients.REGION_VARIABLE, variables.get("AWS_DEFAULT_REGION"));
        if (variables.get(AwsClients.REGION_VARIABLE) == null) {
            throw new UsageException("which region is stack '" + stack + "' in? give --region, or set AWS_REGION");
        }
        if (choice.profile() != null) {
            System.setProperty("aws.profile", choice.profile());
        }
        variables.values().removeIf(java.util.Objects::isNull);
        return StackTarget.open(AwsClients.from(Environment.of(variables)), stack);
    }
}
