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
import java.util.concurrent.CountDownLatch;

/**
 * {@code conveyor sandbox}: the deployed pipeline on this machine, on an AWS emulator, driven with the
 * AWS CLI. Runs in the foreground until Ctrl-C or SIGTERM, then stops what it started.
 */
final class SandboxCommand {

    static final String USAGE = "usage: conveyor sandbox [--endpoint URL] [--env-file FILE] [--boot-seconds N] "
            + "[--time-scale F] [--stack NAME] [--template FILE] [--parameter NAME=VALUE]... [--fault NAME=VALUE]... "
            + "[--staging aws-cli|sdk] [--work DIR]";

    /** Every option {@link #parse} accepts: it refuses any other (docs/cli.md documents each). */
    static final List<String> OPTIONS = List.of("--endpoint", "--env-file", "--boot-seconds", "--time-scale", "--stack",
            "--template", "--parameter", "--fault", "--staging", "--work");

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

    static Options parse(List<String> args, Path home) throws UsageException {
        URI endpoint = null;
        Path envFile = null;
        Duration boot = Duration.ofSeconds(20);
        double scale = 1;
        String stack = StackTemplate.DEFAULT_STACK_NAME;
        Path template = home.resolve("template.yaml");
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> faults = new ArrayList<>();
        Path work = null;
        Sandbox.Staging staging = Sandbox.Staging.DEFAULT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!OPTIONS.contains(arg)) {
                throw new UsageException("unknown option " + arg + "\n" + USAGE);
            }
            switch (arg) {
                case "--endpoint" -> endpoint = endpoint(value(args, ++i, arg));
                case "--env-file" -> envFile = Path.of(value(args, ++i, arg));
                case "--boot-seconds" -> boot = Duration.ofMillis(Math.round(number(value(args, ++i, arg), arg, 0, 3600)
                        * 1000));
                case "--time-scale" -> scale = number(value(args, ++i, arg), arg, 0.001, 1);
                case "--stack" -> stack = value(args, ++i, arg);
                case "--template" -> template = Path.of(value(args, ++i, arg));
                case "--parameter" -> {
                    String setting = value(args, ++i, arg);
                    int equals = setting.indexOf('=');
                    if (equals <= 0) {
                        throw new UsageException("--parameter " + setting + ": expected NAME=VALUE, e.g. MaxInstances=2");
                    }
                    parameters.put(setting.substring(0, equals), setting.substring(equals + 1));
                }
                case "--fault" -> faults.add(value(args, ++i, arg));
                case "--work" -> work = Path.of(value(args, ++i, arg));
                case "--staging" -> {
                    String how = value(args, ++i, arg);
                    staging = switch (how) {
                        case "aws-cli" -> Sandbox.Staging.AWS_CLI;
                        case "sdk" -> Sandbox.Staging.SDK;
                        default -> throw new UsageException("--staging must be aws-cli or sdk, was '" + how + "'");
                    };
                }
                default -> throw new IllegalStateException(arg + " is in OPTIONS but not parsed");
            }
        }
        Faults.Settings faultSettings;
        try {
            faultSettings = Faults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (work == null) {
            try {
                work = Files.createTempDirectory("conveyor-sandbox-");
            } catch (IOException e) {
                throw new UsageException("cannot make a work folder: " + e.getMessage(), e);
            }
        }
        return new Options(new Sandbox.Settings(template, stack, endpoint, work, boot, scale, parameters, faultSettings,
                staging), envFile);
    }

    int run(List<String> args) throws UsageException {
        Options options = parse(args, home);
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

    private static double number(String value, String flag, double least, double most) throws UsageException {
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= least && parsed <= most) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a number from " + least + " to " + most + ", was '" + value + "'");
    }

    private static String value(List<String> args, int index, String flag) throws UsageException {
        if (index >= args.size()) {
            throw new UsageException(flag + " needs a value\n" + USAGE);
        }
        return args.get(index);
    }
}
