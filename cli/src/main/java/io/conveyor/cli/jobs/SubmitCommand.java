package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobQuery;
import io.conveyor.jobs.JobSummary;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code conveyor submit FILE… --algorithm A [--param K=V…] [--wait]}. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {SubmitCommand.SUMMARY, "Prints the job ids."})
final class SubmitCommand extends TargetCommand {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Hand input files to an algorithm: uploaded under inputs/<algorithm>/ with the parameters as "
                + "object metadata on a stack; copied into inbox/<algorithm>/ locally.";

    /** What S3 takes as a metadata name (an HTTP header's), and what Conveyor's parameter names are. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "the input files")
    List<Path> files = new ArrayList<>();
    @Option(names = "--algorithm", paramLabel = "NAME", required = true, description = "the algorithm to run on them")
    String algorithm;
    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "a parameter's value (repeatable)")
    List<String> params = new ArrayList<>();
    @Option(names = "--wait", description = "follow the jobs until they are over (exit 0 only if all succeeded)")
    boolean await;
    @Option(names = "--timeout", paramLabel = "SECONDS", description = "with --wait, give up after this long (exit 1)")
    Double timeout;

    SubmitCommand(Path home, Environment environment, PrintStream out, PrintStream err) {
        super(home, environment, out, err);
    }

    @Override
    int run(Target target) throws UsageException {
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new UsageException(file + ": no such file" + (Files.isDirectory(file) ? " (a folder; give its files)" : ""));
            }
        }
        Optional<Algorithm> known = target.usable(algorithm);
        if (known.isEmpty()) {
            throw new UsageException("--algorithm " + algorithm + ": no such algorithm is registered in "
                    + target.describe() + " (conveyor algorithms lists them)");
        }
        Map<String, String> parameters = parameters(known.get());
        Instant begun = Instant.now();
        List<Target.Submitted> submitted = new ArrayList<>();
        for (Path file : files) {
            Target.Submitted one = target.submit(file, algorithm, parameters);
            submitted.add(one);
            if (!json()) {
                out.println((one.jobId() == null ? "(pending)" : one.jobId()) + "  " + one.input()
                        + (one.note() == null ? "" : "  # " + one.note()));
            }
        }
        if (json()) {
            printJson(submitted);
        }
        if (!await) {
            return 0;
        }
        List<String> ids = new ArrayList<>();
        for (Target.Submitted one : submitted) {
            ids.add(one.jobId() != null ? one.jobId() : awaitJob(target, one.input(), begun));
        }
        return new WatchCommand(home, environment, out, err).follow(target, ids, Duration.ofSeconds(1),
                timeout == null ? null : Duration.ofMillis(Math.round(timeout * 1000)));
    }

    /** The parameters given, each one the algorithm declares, with a value S3 metadata can carry. */
    Map<String, String> parameters(Algorithm algorithm) throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> declared = algorithm.parameters().stream().map(Descriptor.Parameter::name).toList();
        for (String param : params) {
            int equals = param.indexOf('=');
            String name = equals < 0 ? param : param.substring(0, equals);
            if (equals <= 0 || !NAME.matcher(name).matches()) {
                throw new UsageException("--param " + param + ": expected NAME=VALUE (a name of letters, digits, - and _)");
            }
            if (!declared.contains(name)) {
                throw new UsageException("--param " + name + ": " + algorithm.name() + " has no such parameter"
                        + (declared.isEmpty() ? " (it declares none)" : "; it declares " + String.join(", ", declared)));
            }
            String value = param.substring(equals + 1);
            if (!value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new UsageException("--param " + name + ": the value must be printable ASCII (S3 object "
                        + "metadata carries nothing else)");
            }
            values.put(name.toLowerCase(java.util.Locale.ROOT), value);
        }
        return values;
    }

    /** The job an input became, once something picked it up (the local mode, which names no id in advance). */
    private String awaitJob(Target target, String input, Instant since) throws UsageException {
        Instant deadline = Instant.now().plus(timeout == null ? Duration.ofMinutes(10) : Duration.ofMillis(Math.round(
                timeout * 1000)));
        while (Instant.now().isBefore(deadline)) {
            for (JobSummary job : target.jobs().list(JobQuery.newest(200).withSince(since.minusSeconds(1)))) {
                if (job.input() != null && Path.of(job.input()).toAbsolutePath().normalize()
                        .equals(Path.of(input).toAbsolutePath().normalize())) {
                    return job.id();
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UsageException("interrupted");
            }
        }
        throw new UsageException(input + ": no job was made of it in time; is conveyor local running on "
                + target.describe() + "?");
    }
}
