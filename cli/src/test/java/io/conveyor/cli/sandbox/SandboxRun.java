package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.S3JobStore;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobStore;
import io.conveyor.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * A sandbox for an end-to-end test, and what a person would do with it: upload with the AWS CLI
 * (the SDK where the CLI is missing), read records and outputs from the output bucket.
 */
final class SandboxRun implements AutoCloseable {

    static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    /** A sandbox minute lasts 3 s in these tests. */
    static final double TIME_SCALE = 0.05;

    final Sandbox sandbox;
    final Path work;
    final S3Client s3;
    final JobStore jobs;
    private final boolean awsCli;

    private SandboxRun(Sandbox sandbox, Path work) {
        this.sandbox = sandbox;
        this.work = work;
        this.s3 = sandbox.emulator().s3();
        this.jobs = new S3JobStore(s3, sandbox.stack().outputBucket());
        this.awsCli = onPath("aws");
    }

    /**
     * Starts a sandbox with its own moto_server; without one the test is skipped, saying what to
     * install, unless CI=true, where it must run.
     */
    static SandboxRun start(String stackName, Map<String, String> parameters) throws Exception {
        return start(stackName, parameters, Sandbox.Staging.DEFAULT);
    }

    static SandboxRun start(String stackName, Map<String, String> parameters, Sandbox.Staging staging) throws Exception {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            Assumptions.assumeTrue(onPath("moto_server"), "no moto_server on the PATH: pip install 'moto[server]==5.2.1'");
        }
        Path work = Files.createTempDirectory("sandbox-it-");
        Sandbox sandbox = Sandbox.start(Sandbox.Settings.of(HOME.resolve("template.yaml"), work).withStackName(stackName)
                .withBootDelay(Duration.ZERO).withTimeScale(TIME_SCALE).withParameters(parameters).withStaging(staging));
        return new SandboxRun(sandbox, work);
    }

    String inputBucket() {
        return sandbox.stack().inputBucket();
    }

    String outputBucket() {
        return sandbox.stack().outputBucket();
    }

    /** Uploads a file to the input bucket as a person would: `aws s3 cp`, where the CLI is installed. */
    void upload(String key, byte[] content) throws IOException, InterruptedException {
        if (!awsCli) {
            s3.putObject(r -> r.bucket(inputBucket()).key(key), RequestBody.fromBytes(content));
            return;
        }
        Path file = Files.createTempFile(work, "upload-", ".bin");
        Files.write(file, content);
        aws("s3", "cp", "--only-show-errors", file.toString(), "s3://" + inputBucket() + "/" + key);
    }

    /** Registers a descriptor by uploading it under algorithms/, and waits for its ACCEPTED outcome. */
    void register(Path descriptor) throws IOException, InterruptedException {
        String file = descriptor.getFileName().toString();
        upload("algorithms/" + file, Files.readAllBytes(descriptor));
        await("descriptor " + file + " ACCEPTED", Duration.ofSeconds(60), () -> {
            try {
                String outcome = s3.getObjectAsBytes(r -> r.bucket(outputBucket()).key("registry/outcomes/" + file))
                        .asUtf8String();
                return Json.mapper().readTree(outcome).path("status").asText().equals("ACCEPTED");
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException | IOException e) {
                return false;
            }
        });
    }

    /** Registers a descriptor written here. */
    void register(String file, String json) throws IOException, InterruptedException {
        Path path = work.resolve(file);
        Files.writeString(path, json);
        register(path);
    }

    /** Records already over: they do not change again, so they are read once. */
    private final Map<String, JobRecord> ended = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Every record, reading again only those not over yet: polling the output bucket must not load
     * the emulator it measures.
     */
    List<JobRecord> records() {
        List<JobRecord> records = new ArrayList<>();
        for (var object : s3.listObjectsV2Paginator(r -> r.bucket(outputBucket()).prefix("jobs/")).contents()) {
            String id = object.key().substring("jobs/".length()).replace(".json", "");
            JobRecord known = ended.get(id);
            if (known == null) {
                known = jobs.get(id).orElse(null);
                if (known == null) {
                    continue;
                }
                if (known.state().terminal()) {
                    ended.put(id, known);
                }
            }
            records.add(known);
        }
        return records;
    }

    /** The job of an input key (of the input bucket) once it satisfies {@code done}. */
    JobRecord awaitJob(String key, Predicate<JobRecord> done, Duration within) throws InterruptedException {
        String input = "s3://" + inputBucket() + "/" + key;
        List<JobRecord> found = new ArrayList<>();
        await("the job of " + key, within, () -> {
            found.clear();
            records().stream().filter(job -> job.input().equals(input) && done.test(job)).forEach(found::add);
            return !found.isEmpty();
        });
        return found.get(0);
    }

    JobRecord awaitEnded(String key) throws InterruptedException {
        return awaitJob(key, job -> job.state().terminal(), Duration.ofSeconds(120));
    }

    /** An output file's content. */
    String output(JobRecord job, String file) {
        String prefix = io.conveyor.storage.ObjectRef.parse(job.output()).key();
        return s3.getObjectAsBytes(r -> r.bucket(outputBucket()).key(prefix + file)).asUtf8String();
    }

    /**
     * An S3 notification for an object as moto sends it (keys URL-encoded, spaces as +; no
     * {@code versionId}, which moto leaves out even for a versioned bucket, where S3 puts it in every
     * notification): a duplicate must look like the original to be one.
     */
    String notification(String key) {
        HeadObjectResponse head = s3.headObject(r -> r.bucket(inputBucket()).key(key));
        Map<String, Object> object = new java.util.LinkedHashMap<>();
        object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8));
        object.put("size", head.contentLength());
        object.put("eTag", head.eTag().replace("\"", ""));
        Map<String, Object> record = Map.of("eventVersion", "2.1", "eventSource", "aws:s3", "awsRegion", "us-east-1",
                "eventName", "ObjectCreated:Put", "s3", Map.of("bucket", Map.of("name", inputBucket(),
                        "arn", "arn:aws:s3:::" + inputBucket()), "object", object));
        try {
            return Json.mapper().writeValueAsString(Map.of("Records", List.of(record)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, Duration within, Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + within.toSeconds() + " s for " + what);
            }
            Thread.sleep(500);
        }
    }

    private void aws(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(sandbox.envFile().variables());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("aws " + String.join(" ", args)).isTrue();
        assertThat(process.exitValue()).as("aws " + String.join(" ", args) + ": " + output).isZero();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    @Override
    public void close() {
        sandbox.close();
    }
}
