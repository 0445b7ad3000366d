package io.conveyor.cli.jobs;

import io.conveyor.cli.UsageException;
import io.conveyor.config.Environment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import io.conveyor.aws.AwsClients;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the target of a job command: the command line first ({@code --outbox}, {@code --stack},
 * {@code --env-file}); then the environment ({@code CONVEYOR_OUTBOX}, {@code CONVEYOR_STACK},
 * {@code CONVEYOR_ENV_FILE}); then the config file ({@code $XDG_CONFIG_HOME/conveyor/config}, else
 * {@code ~/.config/conveyor/config}: {@code outbox=}, {@code stack=}, {@code env-file=}, {@code region=},
 * {@code profile=} lines); then the local mode's {@code ./outbox}.
 */
final class Targets {

    static final String OUTBOX = "CONVEYOR_OUTBOX";
    static final String STACK = "CONVEYOR_STACK";
    static final String ENV_FILE = "CONVEYOR_ENV_FILE";
    /** The config file's keys. */
    static final List<String> KEYS = List.of("outbox", "stack", "env-file", "region", "profile");

    private Targets() {
    }

    /** What the command line, the environment and the config file ask for, as one set of choices. */
    record Choice(Path outbox, String stack, Path envFile, String region, String profile, String from) {
    }

    static Choice choose(TargetOptions options, Environment environment) throws UsageException {
        int given = (options.outbox != null ? 1 : 0) + (options.stack != null || options.envFile != null ? 1 : 0);
        if (options.outbox != null && given > 1) {
            throw new UsageException("--outbox is a local target; it cannot go with --stack or --env-file");
        }
        if (options.outbox != null || options.stack != null || options.envFile != null) {
            return new Choice(options.outbox, options.stack, options.envFile, options.region, options.profile,
                    "the command line");
        }
        if (environment.optional(OUTBOX).isPresent() || environment.optional(STACK).isPresent()
                || environment.optional(ENV_FILE).isPresent()) {
            return new Choice(environment.optional(OUTBOX).map(Path::of).orElse(null),
                    environment.optional(STACK).orElse(null), environment.optional(ENV_FILE).map(Path::of).orElse(null),
                    options.region, options.profile, "the environment");
        }
        Path config = configFile(environment);
        if (config != null && Files.isRegularFile(config)) {
            Map<String, String> settings = read(config);
            return new Choice(path(settings.get("outbox")), settings.get("stack"), path(settings.get("env-file")),
                    options.region != null ? options.region : settings.get("region"),
                    options.profile != null ? options.profile : settings.get("profile"), config.toString());
        }
        return new Choice(Path.of("outbox"), null, null, options.region, options.profile, "the default");
    }

    /** Where the config file lies, or {@code null} when no home is known. */
    static Path configFile(Environment environment) {
        return environment.optional("XDG_CONFIG_HOME").map(dir -> Path.of(dir, "conveyor", "config"))
                .or(() -> environment.optional("HOME").map(home -> Path.of(home, ".config", "conveyor", "config")))
                .orElse(null);
    }

    /** A config file's settings: {@code key=value} lines, {@code #} comments; an unknown key is an error. */
    static Map<String, String> read(Path file) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            String key = equals < 0 ? line : line.substring(0, equals).strip();
            if (equals < 0 || !KEYS.contains(key)) {
                throw new UsageException(file + ":" + (i + 1) + ": expected one of " + String.join("=, ", KEYS)
                        + "= followed by a value, got '" + line + "'");
            }
            settings.put(key, line.substring(equals + 1).strip());
        }
        return settings;
    }

    /**
     * The variables of a sandbox's env file ({@code KEY=value} lines), to lay over this process's
     * environment when talking to it.
     */
    static Map<String, String> envFile(Path file) throws UsageException {
        Map<String, String> variables = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("--env-file " + file + ": no such file (conveyor sandbox --env-file writes it)");
        } catch (IOException e) {
            throw new UsageException("--env-file " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new UsageException(file + ":" + (i + 1) + ": expected KEY=value, got '" + line + "'");
            }
            variables.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return variables;
    }

    /** Opens the target the options (or the environment, or the config file) name. */
    static Target open(TargetOptions target, Environment environment, Path home) throws UsageException {
        Targets.Choice choice = choose(target, environment);
        if (choice.outbox() != null) {
            return LocalTarget.open(choice.outbox(), home);
        }
        Map<String, String> variables = new HashMap<>();
        for (String name : new String[] {AwsClients.REGION_VARIABLE, "AWS_DEFAULT_REGION", AwsClients.ENDPOINT_VARIABLE}) {
            environment.optional(name).ifPresent(value -> variables.put(name, value));
        }
        String stack = choice.stack();
        if (choice.envFile() != null) {
            Map<String, String> file = envFile(choice.envFile());
            variables.putAll(file);
            if (stack == null) {
                stack = file.getOrDefault(STACK, "sandbox");
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

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
