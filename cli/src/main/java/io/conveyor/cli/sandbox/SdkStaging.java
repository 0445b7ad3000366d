package io.conveyor.cli.sandbox;

import io.conveyor.descriptor.Placeholders;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The stage-in and stage-out containers' work done with the SDK, for machines without the AWS CLI:
 * the same steps as {@link TaskDefinitionWrapper}'s scripts, in the same order, with their exit codes
 * (64: the input path lies outside {@code /conveyor/input}; 65: nothing was staged, so nothing is
 * uploaded; 1: S3 refused; 2: a gather folder's key would have landed outside the folder). Messages go where the container's standard error would.
 */
final class SdkStaging {

    static final int OUTSIDE_INPUT_DIR = 64;
    static final int NOT_STAGED = 65;
    static final int FAILED = 1;
    /** What the AWS CLI exits with when it skipped a file (a key that would land outside the folder). */
    static final int SKIPPED = 2;
    /** What {@code sh} with {@code set -u} exits with when a variable is unset. */
    static final int UNSET_VARIABLE = 2;

    private final S3Client s3;

    SdkStaging(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /**
     * Downloads the pinned input version to {@code CONVEYOR_INPUT} and leaves the staged marker.
     *
     * @param environment the container's environment, paths mapped into {@code folder}
     */
    int stageIn(Map<String, String> environment, TaskFolder folder, Path stderr) throws IOException {
        try (PrintWriter err = writer(stderr)) {
            if (!environment.getOrDefault(Placeholders.INPUT_DIR, "").isEmpty()) {
                return stageFolderIn(environment, folder, err);
            }
            Path input = Path.of(required(environment, Placeholders.INPUT));
            Path inputDir = Path.of(folder.map(TaskDefinitionWrapper.INPUT_DIR));
            if (!input.normalize().startsWith(inputDir) || input.normalize().equals(inputDir)) {
                err.println("CONVEYOR_INPUT must lie under " + TaskDefinitionWrapper.INPUT_DIR);
                return OUTSIDE_INPUT_DIR;
            }
            Path output = Path.of(required(environment, Placeholders.OUTPUT_DIR));
            Files.createDirectories(input.getParent());
            Files.createDirectories(output);
            Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxrwxrwx"));
            String version = environment.getOrDefault(TaskDefinitionWrapper.INPUT_VERSION, "");
            try {
                Files.deleteIfExists(input);
                s3.getObject(request -> request.bucket(required(environment, TaskDefinitionWrapper.INPUT_BUCKET))
                        .key(required(environment, TaskDefinitionWrapper.INPUT_KEY))
                        .versionId(version.isEmpty() ? null : version), input);
            } catch (SdkException e) {
                err.println("download failed: " + e.getMessage());
                return FAILED;
            }
            Files.setPosixFilePermissions(input, PosixFilePermissions.fromString("r--r--r--"));
            Path marker = Path.of(folder.map(TaskDefinitionWrapper.STAGED_MARKER));
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, "");
            return 0;
        } catch (UnsetVariableException e) {
            return unset(stderr, e);
        }
    }

    /**
     * A gather's folder: every object under {@code CONVEYOR_INPUT_PREFIX} to {@code CONVEYOR_INPUT_DIR}, at its key
     * below the prefix; a key that would land outside the folder fails the staging (the AWS CLI skips it and exits 2).
     */
    private int stageFolderIn(Map<String, String> environment, TaskFolder folder, PrintWriter err) throws IOException {
        Path target = Path.of(environment.get(Placeholders.INPUT_DIR)).normalize();
        Path inputDir = Path.of(folder.map(TaskDefinitionWrapper.INPUT_DIR));
        if (!target.startsWith(inputDir) || target.equals(inputDir)
                || !target.equals(Path.of(environment.get(Placeholders.INPUT_DIR)))) {
            err.println(Placeholders.INPUT_DIR + " must lie under " + TaskDefinitionWrapper.INPUT_DIR);
            return OUTSIDE_INPUT_DIR;
        }
        String bucket = required(environment, TaskDefinitionWrapper.INPUT_BUCKET);
        String prefix = required(environment, TaskDefinitionWrapper.INPUT_PREFIX);
        Path output = Path.of(required(environment, Placeholders.OUTPUT_DIR));
        Files.createDirectories(target);
        Files.createDirectories(output);
        Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rwxrwxrwx"));
        int skipped = 0;
        try {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                Path file = target.resolve(object.key().substring(prefix.length())).normalize();
                if (!file.startsWith(target) || file.equals(target)) {
                    err.println("warning: Skipping file " + object.key() + ". File references a parent directory.");
                    skipped++;
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.deleteIfExists(file);
                s3.getObject(r -> r.bucket(bucket).key(object.key()), file);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
            }
        } catch (SdkException e) {
            err.println("download failed: " + e.getMessage());
            return FAILED;
        }
        if (skipped > 0) {
            return SKIPPED;
        }
        Path marker = Path.of(folder.map(TaskDefinitionWrapper.STAGED_MARKER));
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, "");
        return 0;
    }

    /**
     * Uploads every regular file under {@code CONVEYOR_OUTPUT_DIR} to {@code CONVEYOR_OUTPUT_URI}, keeping
     * their relative paths; symbolic links are skipped, as {@code --no-follow-symlinks} does.
     */
    int stageOut(Map<String, String> environment, TaskFolder folder, Path stderr) throws IOException {
        try (PrintWriter err = writer(stderr)) {
            if (!Files.exists(Path.of(folder.map(TaskDefinitionWrapper.STAGED_MARKER)))) {
                err.println("the input was never staged: nothing to upload");
                return NOT_STAGED;
            }
            Path output = Path.of(required(environment, Placeholders.OUTPUT_DIR));
            String uri = required(environment, TaskDefinitionWrapper.OUTPUT_URI);
            if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
                err.println("not an S3 URI of a folder: " + uri);
                return FAILED;
            }
            String bucket = uri.substring(5, uri.indexOf('/', 5));
            String prefix = uri.substring(uri.indexOf('/', 5) + 1);
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix += "/";
            }
            if (!Files.isDirectory(output, LinkOption.NOFOLLOW_LINKS)) {
                return 0;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(output)) {
                files = walk.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
            }
            int failed = 0;
            for (Path file : files) {
                String key = prefix + output.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                try {
                    s3.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromFile(file));
                } catch (SdkException e) {
                    err.println("upload failed: " + file + " to s3://" + bucket + "/" + key + " " + e.getMessage());
                    failed++;
                }
            }
            return failed == 0 ? 0 : FAILED;
        } catch (UnsetVariableException e) {
            return unset(stderr, e);
        }
    }

    private static String required(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null) {
            throw new UnsetVariableException(name + ": parameter not set");
        }
        return value;
    }

    private static int unset(Path stderr, UnsetVariableException e) throws IOException {
        try (PrintWriter err = writer(stderr)) {
            err.println(e.getMessage());
        }
        return UNSET_VARIABLE;
    }

    /** A variable the script reads is not set (the script would stop on it: {@code set -u}). */
    private static final class UnsetVariableException extends RuntimeException {
        UnsetVariableException(String message) {
            super(message, null, false, false);
        }
    }

    private static PrintWriter writer(Path stderr) throws IOException {
        return new PrintWriter(Files.newBufferedWriter(stderr, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true);
    }
}
