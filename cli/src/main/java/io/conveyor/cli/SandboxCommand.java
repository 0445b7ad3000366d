package io.conveyor.cli;

import io.conveyor.cli.sandbox.Faults;
import io.conveyor.cli.sandbox.Sandbox;
import io.conveyor.cli.sandbox.StackTemplate;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conveyor sandbox}: the deployed pipeline on this machine, on an AWS emulator, driven with the
 * AWS CLI. Runs in the foreground until Ctrl-C or SIGTERM, then stops what it started.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {SandboxCommand.SUMMARY,
                "The stack on moto (or --endpoint), the real handlers, simulated instances and ECS agent; Ctrl-C stops."})
final class SandboxCommand implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "The deployed pipeline on this machine, on an AWS emulator; drive it with the AWS CLI.";

    @Option(names = "--endpoint", paramLabel = "URL", description = "an emulator that runs already (default: start moto_server)")
    String endpoint;
    @Option(names = "--env-file", paramLabel = "FILE", description = "also write the variables there")
    Path envFile;
    @Option(names = "--boot-seconds", paramLabel = "N", description = "how long an instance boots (default: ${DEFAULT-VALUE})")
    double bootSeconds = 20;
    @Option(names = "--time-scale", paramLabel = "F", description = "how long a sandbox second lasts, 0.001 to 1 (default: 1)")
    double timeScale = 1;
    @Option(names = "--stack", paramLabel = "NAME", description = "the stack's name (default: ${DEFAULT-VALUE})")
    String stack = StackTemplate.DEFAULT_STACK_NAME;
    @Option(names = "--template", paramLabel = "FILE", description = "the template (default: the checkout's)")
    Path template;
    @Option(names = "--parameter", paramLabel = "NAME=VALUE", description = "a template parameter (repeatable)")
    List<String> parameters = new ArrayList<>();
    @Option(names = "--fault", paramLabel = "NAME=VALUE", description = "inject faults (repeatable), see docs/cli.md")
    List<String> faults = new ArrayList<>();
    @Option(names = "--staging", paramLabel = "aws-cli|sdk", description = "how stage-in and stage-out run")
    String staging;
    @Option(names = "--work", paramLabel = "DIR", description = "where tasks' folders go (default: a new temporary folder)")
    Path work;

    private final Path home;
    private final PrintStream out;
    private final PrintStream err;

    SandboxCommand(Path home, PrintStream out, PrintStream err) {
        this.home = home;
        this.out = out;
        this.err = err;
    }

    /** The parsed options. */
    record Options(Sandbox.Settings settings, Path envFile) {
    }

    Options options() throws UsageException {
        URI emulator = endpoint == null ? null : endpoint(endpoint);
        Duration boot = Duration.ofMillis(Math.round(within(bootSeconds, "--boot-seconds", 0, 3600) * 1000));
        double scale = within(timeScale, "--time-scale", 0.001, 1);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : parameters) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--parameter " + setting + ": expected NAME=VALUE, e.g. MaxInstances=2");
            }
            settings.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        Sandbox.Staging how = staging == null ? Sandbox.Staging.DEFAULT : switch (staging) {
            case "aws-cli" -> Sandbox.Staging.AWS_CLI;
            case "sdk" -> Sandbox.Staging.SDK;
            default -> throw new UsageException("--staging must be aws-cli or sdk, was '" + staging + "'");
        };
        Faults.Settings faultSettings;
        try {
            faultSettings = Faults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Path folder = work;
        if (folder == null) {
            try {
                folder = Files.createTempDirectory("conveyor-sandbox-");
            } catch (IOException e) {
                throw new UsageException("cannot make a work folder: " + e.getMessage(), e);
            }
        }
        return new Options(new Sandbox.Settings(template == null ? home.resolve("template.yaml") : template, stack,
                emulator, folder, boot, scale, settings, faultSettings, how), envFile);
    }

    @Override
    public Integer call() throws UsageException {
        Options options = options();
        long begun = System.nanoTime();
        err.println("conveyor sandbox: standing the stack of " + options.settings().template() + " up on "
                + (options.settings().endpoint() == null ? "a moto_server of its own" : options.settings().endpoint())
                + " (work folder " + options.settings().work() + ")");
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(options.settings());
        } catch (IOException | RuntimeException e) {
            err.println("conveyor sandbox: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            if (options.envFile() != null) {
                sandbox.envFile().write(options.envFile());
            }
            sandbox.envFile().lines().forEach(out::println);
            out.flush();
            err.printf("conveyor sandbox: ready in %.1f s%s; drive it with the AWS CLI after exporting the lines above"
                            + " (SQS needs --endpoint-url \"$AWS_ENDPOINT_URL\"); Ctrl-C stops%n",
                    (System.nanoTime() - begun) / 1e9, options.envFile() == null ? "" : " (also in " + options.envFile() + ")");
            stopped.await();
        } catch (IOException e) {
            err.println("conveyor sandbox: cannot write " + options.envFile() + ": " + e.getMessage());
            Runtime.getRuntime().removeShutdownHook(hook);
            sandbox.close();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static URI endpoint(String value) throws UsageException {
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("--endpoint must be an http(s) URL, was '" + value + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--endpoint is not a URL: '" + value + "'", e);
        }
    }

    private static double within(double value, String flag, double least, double most) throws UsageException {
        if (value >= least && value <= most) {
            return value;
        }
        throw new UsageException(flag + " must be a number from " + least + " to " + most + ", was '" + value + "'");
    }

}
