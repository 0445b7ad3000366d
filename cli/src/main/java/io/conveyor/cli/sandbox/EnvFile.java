package io.conveyor.cli.sandbox;

import io.conveyor.aws.AwsClients;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a shell (or the AWS CLI, or a test) needs to use the sandbox: one {@code KEY=value} a line,
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION} (and {@code AWS_DEFAULT_REGION}, for the AWS CLI v1), the
 * emulator's dummy credentials, and the two buckets.
 * Values are written unquoted, as {@code docker --env-file} reads them; {@code set -a; . ./sandbox.env; set +a}
 * reads them too, since the sandbox's values hold no spaces or shell characters.
 *
 * @param variables the variables, in the order written
 */
public record EnvFile(Map<String, String> variables) {

    /** The bucket inputs and descriptors are uploaded to. */
    public static final String INPUT_BUCKET = "CONVEYOR_INPUT_BUCKET";
    /** The bucket outputs and job records land in. */
    public static final String OUTPUT_BUCKET = "CONVEYOR_OUTPUT_BUCKET";
    /** The stack's name, whose outputs the sandbox publishes as a deployed stack's. */
    public static final String STACK = "CONVEYOR_STACK";
    /** moto takes any credentials; these are the ones the tests use too. */
    public static final String DUMMY_ACCESS_KEY_ID = "test";
    public static final String DUMMY_SECRET_ACCESS_KEY = "test";

    public EnvFile {
        Map<String, String> copy = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
            }
            if (value.contains("\n") || value.contains("\r")) {
                throw new IllegalArgumentException(name + ": a value must fit on one line");
            }
            copy.put(name, value);
        });
        variables = java.util.Collections.unmodifiableMap(copy);
    }

    /** The sandbox's variables: the emulator at {@code endpoint}, the stack's region and buckets. */
    public static EnvFile of(SandboxStack stack, URI endpoint) {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(AwsClients.ENDPOINT_VARIABLE, endpoint.toString());
        variables.put(AwsClients.REGION_VARIABLE, stack.region());
        // The AWS CLI v1 (1.45) reads only this one: with AWS_REGION alone, `aws ecs list-clusters` asks for a region.
        variables.put("AWS_DEFAULT_REGION", stack.region());
        variables.put("AWS_ACCESS_KEY_ID", DUMMY_ACCESS_KEY_ID);
        variables.put("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET_ACCESS_KEY);
        variables.put(INPUT_BUCKET, stack.inputBucket());
        variables.put(OUTPUT_BUCKET, stack.outputBucket());
        // The conveyor command's job operations find the stack's outputs by this name (--env-file).
        variables.put(STACK, stack.stackName());
        return new EnvFile(variables);
    }

    /** One value; {@code null} when absent. */
    public String get(String name) {
        return variables.get(Objects.requireNonNull(name, "name"));
    }

    /** The file's lines, {@code KEY=value}. */
    public List<String> lines() {
        return variables.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList();
    }

    /** Writes the file whole (through a temporary file beside it, so a reader never sees half of it). */
    public void write(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            Files.write(temporary, lines(), StandardCharsets.UTF_8);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Reads a file of {@code KEY=value} lines; blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the file and line of a line that is not {@code KEY=value}
     */
    public static EnvFile read(Path file) throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(file + ", line " + (i + 1) + ": expected KEY=value, got '" + line + "'");
            }
            try {
                variables.putAll(new EnvFile(Map.of(line.substring(0, equals), line.substring(equals + 1))).variables());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new EnvFile(variables);
    }
}
