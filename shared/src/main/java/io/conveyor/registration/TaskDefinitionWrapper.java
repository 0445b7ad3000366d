package io.conveyor.registration;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.Placeholders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wraps an author's unchanged image into a task definition of three containers:
 * <ol>
 *   <li>{@code stage-in} (the AWS CLI image) downloads the job's input to {@code CONVEYOR_INPUT};</li>
 *   <li>{@code algorithm} (the author's image) starts only once stage-in succeeded;</li>
 *   <li>{@code stage-out} uploads {@code CONVEYOR_OUTPUT_DIR} once the algorithm completed, whatever its
 *       exit code, so partial output survives a failure. It is the one essential container: the task
 *       ends when it does.</li>
 * </ol>
 * Job values arrive per task as container overrides: {@code CONVEYOR_INPUT_BUCKET},
 * {@code CONVEYOR_INPUT_KEY}, {@code CONVEYOR_INPUT_VERSION} (empty for unversioned buckets),
 * {@code CONVEYOR_INPUT} (a path under {@link #INPUT_DIR}) — or, for a gather, {@code CONVEYOR_INPUT_PREFIX} (a
 * folder of the bucket) and {@code CONVEYOR_INPUT_DIR} ({@link #GATHER_INPUT_DIR}) —, {@code CONVEYOR_OUTPUT_URI},
 * {@code CONVEYOR_JOB_ID}, {@code CONVEYOR_ATTEMPT}, parameters, and the algorithm's command with
 * its placeholders replaced. The stage scripts are constants of Conveyor that only read those as
 * quoted variables. Stage-in pins the exact input version; it leaves a marker that stage-out
 * checks, so a failed stage-in never ends as a clean task with an empty upload.
 *
 * <p>The algorithm's container gets its own job's data and nothing more: the input volume read-only (also
 * at the descriptor's {@code input.folder}, when it names one),
 * the output volume writable, never the stage volume that holds the marker; user {@value #ALGORITHM_USER}
 * unless its descriptor asks for root; and no networking unless its descriptor asks for it. ECS gives
 * the task role's credentials endpoint to every container of a task (the agent sets
 * {@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} in each, whatever the definition says, and a hostile
 * image reads its own environment whatever command it is given); a container without networking cannot
 * reach that endpoint, nor the instance's metadata, nor S3. Only stage-in and stage-out, Conveyor's own
 * scripts naming this job's keys, use the task role. No container is privileged and no credentials
 * appear anywhere.
 */
public final class TaskDefinitionWrapper {

    /** Container names. */
    public static final String STAGE_IN = "stage-in";
    public static final String ALGORITHM = "algorithm";
    public static final String STAGE_OUT = "stage-out";

    /** Where the task's folders lie in its containers. */
    public static final String WORK_DIR = "/conveyor";
    /** The output directory inside the task: the algorithm's one writable folder of the task. */
    public static final String OUTPUT_DIR = WORK_DIR + "/output";

    /** Where the staged input lies inside the task; read-only in the algorithm's container. */
    public static final String INPUT_DIR = WORK_DIR + "/input";

    /**
     * Where a gather's input folder is staged ({@code CONVEYOR_INPUT_DIR}): on the input volume, so read-only in
     * the algorithm's container like any input.
     */
    public static final String GATHER_INPUT_DIR = INPUT_DIR + "/batch";

    /** The stage containers' own folder, which the algorithm's container does not mount. */
    public static final String STAGE_DIR = WORK_DIR + "/stage";

    /** The algorithm's writable scratch when its root filesystem is read-only. */
    public static final String SCRATCH_DIR = "/tmp";

    /**
     * The user the algorithm runs as unless its descriptor asks for root: not root, and the id common
     * base images give their one user, so files the image prepared for that user stay readable. No
     * entry in the image's {@code /etc/passwd} is needed.
     */
    public static final String ALGORITHM_USER = "1000:1000";

    /** Per-job variables the stage containers read (set by dispatch as overrides). */
    public static final String INPUT_BUCKET = "CONVEYOR_INPUT_BUCKET";
    public static final String INPUT_KEY = "CONVEYOR_INPUT_KEY";
    /** A gather's input folder in {@link #INPUT_BUCKET}, ending with {@code /}, instead of {@link #INPUT_KEY}. */
    public static final String INPUT_PREFIX = "CONVEYOR_INPUT_PREFIX";
    public static final String INPUT_VERSION = "CONVEYOR_INPUT_VERSION";
    public static final String OUTPUT_URI = "CONVEYOR_OUTPUT_URI";

    /** Tag keys. */
    public static final String TAG_ALGORITHM = "conveyor:algorithm";
    public static final String TAG_SHA256 = "conveyor:descriptor-sha256";

    /** Written by stage-in once the input is in place; stage-out uploads nothing without it. */
    public static final String STAGED_MARKER = STAGE_DIR + "/staged";

    // The input folder and file readable by any user, the output folder writable by any: the algorithm
    // runs as 1000:1000 or as its image's user, which stage-in cannot know. A gather's folder comes whole with
    // `aws s3 cp --recursive`, which keeps each key's path below the prefix and skips a key that would land
    // outside the folder ("File references a parent directory", exit 2): set -e makes that a failed stage-in.
    static final String STAGE_IN_SCRIPT = String.join("\n",
            "set -eu",
            Emf.NOW_MS,
            "started=$(now_ms)",
            "if [ -n \"${" + Placeholders.INPUT_DIR + ":-}\" ]; then",
            "  case \"$" + Placeholders.INPUT_DIR + "\" in " + INPUT_DIR + "/*) ;; *) echo \"" + Placeholders.INPUT_DIR
                    + " must lie under " + INPUT_DIR + "\" >&2; exit 64;; esac",
            "  case \"/$" + Placeholders.INPUT_DIR + "/\" in */../*|*/./*) echo \"" + Placeholders.INPUT_DIR
                    + " must not navigate\" >&2; exit 64;; esac",
            "  mkdir -p \"$" + Placeholders.INPUT_DIR + "\" \"$CONVEYOR_OUTPUT_DIR\"",
            "  chmod 0755 " + INPUT_DIR,
            "  chmod 0777 \"$CONVEYOR_OUTPUT_DIR\"",
            "  aws s3 cp --only-show-errors --recursive \"s3://$CONVEYOR_INPUT_BUCKET/$" + INPUT_PREFIX + "\" \"$"
                    + Placeholders.INPUT_DIR + "\"",
            "  find \"$" + Placeholders.INPUT_DIR + "\" -type d -exec chmod 0755 {} +",
            "  find \"$" + Placeholders.INPUT_DIR + "\" -type f -exec chmod 0444 {} +",
            "  staged=$(find \"$" + Placeholders.INPUT_DIR + "\" -type f -printf '%s\\n' | awk '{s += $1} END {print s + 0}')",
            "else",
            "  case \"$CONVEYOR_INPUT\" in " + INPUT_DIR + "/*) ;; *) echo \"CONVEYOR_INPUT must lie under " + INPUT_DIR
                    + "\" >&2; exit 64;; esac",
            "  mkdir -p \"$(dirname \"$CONVEYOR_INPUT\")\" \"$CONVEYOR_OUTPUT_DIR\"",
            "  chmod 0755 " + INPUT_DIR,
            "  chmod 0777 \"$CONVEYOR_OUTPUT_DIR\"",
            "  if [ -n \"${CONVEYOR_INPUT_VERSION:-}\" ]; then set -- --version-id \"$CONVEYOR_INPUT_VERSION\"; else set --; fi",
            "  aws s3api get-object --bucket \"$CONVEYOR_INPUT_BUCKET\" --key \"$CONVEYOR_INPUT_KEY\" \"$@\" \"$CONVEYOR_INPUT\" > /dev/null",
            "  chmod 0444 \"$CONVEYOR_INPUT\"",
            "  staged=$(wc -c < \"$CONVEYOR_INPUT\")",
            "fi",
            "mkdir -p " + STAGE_DIR,
            "touch " + STAGED_MARKER,
            Emf.line("StageIn", "$staged"));
    static final String STAGE_OUT_SCRIPT = String.join("\n",
            "set -eu",
            Emf.NOW_MS,
            "started=$(now_ms)",
            "[ -f " + STAGED_MARKER + " ] || { echo \"the input was never staged: nothing to upload\" >&2; exit 65; }",
            "aws s3 cp --only-show-errors --no-follow-symlinks --recursive \"$CONVEYOR_OUTPUT_DIR\" \"$CONVEYOR_OUTPUT_URI\"",
            Emf.line("StageOut", "$(find \"$CONVEYOR_OUTPUT_DIR\" -type f -printf '%s\\n' | awk '{s += $1} END {print s + 0}')"));

    /**
     * The stage containers' own metrics: one CloudWatch Embedded Metric Format line on standard output when
     * the staging succeeded (the awslogs driver sends it to the task log group, where CloudWatch Logs extracts
     * {@code StageInSeconds}/{@code StageInBytes} or {@code StageOutSeconds}/{@code StageOutBytes} as metrics
     * of namespace {@code Conveyor}, dimensions {@code [stack]} and {@code [stack, algorithm]}). The stack and
     * algorithm come from the task definition's environment ({@value #STACK}, {@value #ALGORITHM_NAME}), names
     * CloudFormation and the descriptor's schema restrict to letters, digits and hyphens; printf writes them as
     * data. Without them (a test's shell) no line is written.
     */
    static final class Emf {

        /** Milliseconds since the epoch: GNU date's nanoseconds where it has them, else whole seconds. */
        static final String NOW_MS = "now_ms() { n=$(date +%s%N); case \"$n\" in *N*|'') echo $(( $(date +%s) * 1000 ));; "
                + "*) echo $(( n / 1000000 ));; esac; }";

        private Emf() {
        }

        static String line(String phase, String bytes) {
            return String.join("\n",
                    "if [ -n \"${" + STACK + ":-}\" ] && [ -n \"${" + ALGORITHM_NAME + ":-}\" ]; then",
                    "  ended=$(now_ms); took=$(( ended - started )); bytes=" + bytes,
                    "  printf '{\"_aws\":{\"Timestamp\":%s,\"CloudWatchMetrics\":[{\"Namespace\":\"Conveyor\",\"Dimensions\":"
                            + "[[\"stack\"],[\"stack\",\"algorithm\"]],\"Metrics\":[{\"Name\":\"" + phase
                            + "Seconds\",\"Unit\":\"Seconds\"},{\"Name\":\"" + phase + "Bytes\",\"Unit\":\"Bytes\"}]}]},"
                            + "\"stack\":\"%s\",\"algorithm\":\"%s\",\"" + phase + "Seconds\":%d.%03d,\"" + phase
                            + "Bytes\":%d}\\n' \"$ended\" \"$" + STACK + "\" \"$" + ALGORITHM_NAME
                            + "\" $(( took / 1000 )) $(( took % 1000 )) \"$bytes\"",
                    "fi");
        }
    }

    /** The stack and the algorithm, in the stage containers' environment: their metrics' dimensions. */
    public static final String STACK = "CONVEYOR_STACK";
    public static final String ALGORITHM_NAME = "CONVEYOR_ALGORITHM";

    /** The task's volumes, each a Docker volume that lives and dies with the task. */
    static final String INPUT_VOLUME = "input";
    static final String OUTPUT_VOLUME = "output";
    static final String STAGE_VOLUME = "stage";
    static final String SCRATCH_VOLUME = "scratch";

    private TaskDefinitionWrapper() {
    }

    /**
     * The CloudWatch Logs stream a container of a task writes to: the awslogs driver names it
     * {@code <stream prefix>/<container>/<task id>}, and the prefix is the algorithm's name.
     *
     * @param taskArn the task ({@code arn:…:task/<cluster>/<id>}, or the older {@code arn:…:task/<id>})
     */
    public static String logStream(String algorithm, String container, String taskArn) {
        return algorithm + "/" + container + "/" + taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    /** The log stream of each of a task's three containers, by container name. */
    public static Map<String, String> logStreams(String algorithm, String taskArn) {
        Map<String, String> streams = new TreeMap<>();
        for (String container : List.of(STAGE_IN, ALGORITHM, STAGE_OUT)) {
            streams.put(container, logStream(algorithm, container, taskArn));
        }
        return streams;
    }

    /** The family of an algorithm's task definitions. */
    public static String family(WrapSettings settings, String algorithm) {
        return settings.familyPrefix() + "-" + algorithm;
    }

    /**
     * The task definition for a validated descriptor.
     *
     * @param sha256 the descriptor's SHA-256, tagged onto the definition
     */
    public static TaskDefinitionSpec wrap(Descriptor descriptor, String sha256, WrapSettings settings) {
        TaskDefinitionSpec.LogConfiguration logs = new TaskDefinitionSpec.LogConfiguration("awslogs", Map.of(
                "awslogs-group", settings.logGroup(), "awslogs-region", settings.region(),
                "awslogs-stream-prefix", descriptor.name()));
        List<TaskDefinitionSpec.KeyValue> stageEnvironment = List.of(
                new TaskDefinitionSpec.KeyValue("AWS_DEFAULT_REGION", settings.region()),
                new TaskDefinitionSpec.KeyValue(Placeholders.OUTPUT_DIR, OUTPUT_DIR),
                new TaskDefinitionSpec.KeyValue(STACK, settings.familyPrefix()),
                new TaskDefinitionSpec.KeyValue(ALGORITHM_NAME, descriptor.name()));

        TaskDefinitionSpec.Container stageIn = new TaskDefinitionSpec.Container(STAGE_IN, settings.stageImage(), false,
                false, null, false, false, List.of("/bin/sh", "-c"), List.of(STAGE_IN_SCRIPT), stageEnvironment,
                List.of(mount(INPUT_VOLUME, INPUT_DIR, false), mount(OUTPUT_VOLUME, OUTPUT_DIR, false),
                        mount(STAGE_VOLUME, STAGE_DIR, false)),
                List.of(), List.of(), List.of(), logs);

        Map<String, String> environment = new TreeMap<>(descriptor.environment());
        for (Descriptor.Parameter parameter : descriptor.parameters()) {
            if (parameter.defaultValue() != null) {
                environment.put(parameter.name(), parameter.defaultValue());
            }
        }
        environment.put(Placeholders.OUTPUT_DIR, OUTPUT_DIR);
        List<TaskDefinitionSpec.KeyValue> algorithmEnvironment = new ArrayList<>();
        environment.forEach((name, value) -> algorithmEnvironment.add(new TaskDefinitionSpec.KeyValue(name, value)));
        List<TaskDefinitionSpec.PortMapping> ports = descriptor.ports().stream()
                .map(port -> new TaskDefinitionSpec.PortMapping(port.port(), 0, port.protocol())).toList();
        List<TaskDefinitionSpec.ResourceRequirement> gpus = descriptor.resources().gpu() > 0
                ? List.of(new TaskDefinitionSpec.ResourceRequirement("GPU", Integer.toString(descriptor.resources().gpu())))
                : List.of();
        Descriptor.Isolation isolation = descriptor.isolation();
        // The stage folder stays out of reach: the algorithm can neither forge nor remove the marker.
        List<TaskDefinitionSpec.MountPoint> algorithmMounts = new ArrayList<>(List.of(
                mount(INPUT_VOLUME, INPUT_DIR, true), mount(OUTPUT_VOLUME, OUTPUT_DIR, false)));
        // The original tool's input_file_path: the same input volume, read-only, where the image looks for it.
        if (descriptor.input().folder() != null) {
            algorithmMounts.add(mount(INPUT_VOLUME, descriptor.input().folder(), true));
        }
        if (isolation.readOnlyRootFilesystem()) {
            algorithmMounts.add(mount(SCRATCH_VOLUME, SCRATCH_DIR, false));
        }
        TaskDefinitionSpec.Container algorithm = new TaskDefinitionSpec.Container(ALGORITHM, descriptor.image(), false,
                false, isolation.runAsRoot() ? null : ALGORITHM_USER, isolation.readOnlyRootFilesystem(),
                !isolation.network(), List.of(), descriptor.command(), algorithmEnvironment, algorithmMounts,
                List.of(new TaskDefinitionSpec.Dependency(STAGE_IN, "SUCCESS")), ports, gpus, logs);

        TaskDefinitionSpec.Container stageOut = new TaskDefinitionSpec.Container(STAGE_OUT, settings.stageImage(), true,
                false, null, false, false, List.of("/bin/sh", "-c"), List.of(STAGE_OUT_SCRIPT), stageEnvironment,
                List.of(mount(OUTPUT_VOLUME, OUTPUT_DIR, true), mount(STAGE_VOLUME, STAGE_DIR, true)),
                List.of(new TaskDefinitionSpec.Dependency(ALGORITHM, "COMPLETE")), List.of(), List.of(), logs);

        List<TaskDefinitionSpec.PlacementConstraint> placement = descriptor.instanceTypes().isEmpty() ? List.of()
                : List.of(new TaskDefinitionSpec.PlacementConstraint("memberOf",
                "attribute:ecs.instance-type in [" + String.join(", ", descriptor.instanceTypes()) + "]"));

        return new TaskDefinitionSpec(family(settings, descriptor.name()), settings.taskRoleArn(),
                settings.executionRoleArn(), "bridge", List.of("EC2"),
                Integer.toString(descriptor.resources().cpuUnits()), Integer.toString(descriptor.resources().taskMemoryMiB()),
                volumes(isolation), placement, List.of(stageIn, algorithm, stageOut),
                List.of(new TaskDefinitionSpec.Tag(TAG_ALGORITHM, descriptor.name()),
                        new TaskDefinitionSpec.Tag(TAG_SHA256, sha256)));
    }

    private static TaskDefinitionSpec.MountPoint mount(String volume, String path, boolean readOnly) {
        return new TaskDefinitionSpec.MountPoint(volume, path, readOnly);
    }

    private static List<TaskDefinitionSpec.Volume> volumes(Descriptor.Isolation isolation) {
        List<String> names = new ArrayList<>(List.of(INPUT_VOLUME, OUTPUT_VOLUME, STAGE_VOLUME));
        if (isolation.readOnlyRootFilesystem()) {
            names.add(SCRATCH_VOLUME);
        }
        return names.stream().map(name -> new TaskDefinitionSpec.Volume(name,
                new TaskDefinitionSpec.DockerVolume("task", "local"))).toList();
    }
}
