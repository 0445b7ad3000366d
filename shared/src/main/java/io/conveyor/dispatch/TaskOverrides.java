package io.conveyor.dispatch;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.JobCommand;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.jobs.JobTask;
import io.conveyor.registration.TaskDefinitionWrapper;
import io.conveyor.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-job values of a wrapped task definition ({@link TaskDefinitionWrapper}): container
 * overrides and tags. Values travel as environment variables and command arguments, never through
 * a shell: a hostile key stays one argument, and {@link JobCommand} pastes no value into a word
 * that an interpreter reads as code. Every contract variable and given parameter is in the
 * algorithm container's environment, so a script reads them as {@code "$NAME"}.
 */
public final class TaskOverrides {

    /** ECS refuses overrides longer than this (in characters of their JSON). */
    public static final int MAX_OVERRIDE_CHARS = 8192;
    /** The longest staged file name (Linux allows 255 bytes). */
    static final int MAX_NAME_BYTES = 200;

    /** Tag keys on tasks. */
    public static final String TAG_JOB = "conveyor:job";
    public static final String TAG_ATTEMPT = "conveyor:attempt";

    private TaskOverrides() {
    }

    /**
     * The start of one attempt. An input that is a folder ({@link #isFolder}: a gather's, filled by
     * {@link io.conveyor.batch.GatherFolders}) is staged whole: stage-in gets its bucket and prefix
     * ({@code CONVEYOR_INPUT_PREFIX}) and {@code CONVEYOR_INPUT_DIR}, the algorithm {@code CONVEYOR_INPUT_DIR}
     * ({@link TaskDefinitionWrapper#GATHER_INPUT_DIR}) and neither {@code CONVEYOR_INPUT} nor
     * {@code CONVEYOR_INPUT_NAME}; the overrides name the folder only, never its members.
     *
     * @param versionId  the input's version id, or {@code null} (unversioned bucket); not read for a folder
     * @param parameters the parameters' values for this input
     */
    public static TaskStart of(String jobId, int attempt, String taskDefinitionArn, String containerInstance,
                               Descriptor descriptor, ObjectRef input, String versionId, String outputUri,
                               Map<String, String> parameters) {
        Map<String, String> values = new TreeMap<>(parameters);
        values.put(Placeholders.OUTPUT_DIR, TaskDefinitionWrapper.OUTPUT_DIR);
        values.put(Placeholders.JOB_ID, jobId);
        values.put(Placeholders.ATTEMPT, Integer.toString(attempt));

        Map<String, String> stageIn = new TreeMap<>();
        stageIn.put(TaskDefinitionWrapper.INPUT_BUCKET, input.bucket());
        if (isFolder(input)) {
            values.put(Placeholders.INPUT_DIR, TaskDefinitionWrapper.GATHER_INPUT_DIR);
            stageIn.put(TaskDefinitionWrapper.INPUT_PREFIX, input.key());
            stageIn.put(Placeholders.INPUT_DIR, TaskDefinitionWrapper.GATHER_INPUT_DIR);
        } else {
            String stagedName = stagedName(input.key());
            String stagedInput = TaskDefinitionWrapper.INPUT_DIR + "/" + stagedName;
            values.put(Placeholders.INPUT, stagedInput);
            values.put(Placeholders.INPUT_NAME, stagedName);
            stageIn.put(TaskDefinitionWrapper.INPUT_KEY, input.key());
            stageIn.put(TaskDefinitionWrapper.INPUT_VERSION, versionId == null ? "" : versionId);
            stageIn.put(Placeholders.INPUT, stagedInput);
        }

        // The task definition holds the other variables; only those with placeholders differ per job.
        Map<String, String> perJob = new TreeMap<>(descriptor.environment());
        perJob.values().removeIf(value -> Placeholders.referencedIn(value).isEmpty());
        JobCommand job = JobCommand.of(descriptor.command(), perJob, values);
        Map<String, String> algorithm = new TreeMap<>(job.environment());
        List<String> command = job.command();

        Map<String, Map<String, String>> environment = new LinkedHashMap<>();
        environment.put(TaskDefinitionWrapper.STAGE_IN, stageIn);
        environment.put(TaskDefinitionWrapper.ALGORITHM, algorithm);
        environment.put(TaskDefinitionWrapper.STAGE_OUT, Map.of(TaskDefinitionWrapper.OUTPUT_URI, outputUri));
        Map<String, String> tags = Map.of(TAG_JOB, jobId, TAG_ATTEMPT, Integer.toString(attempt),
                TaskDefinitionWrapper.TAG_ALGORITHM, descriptor.name(),
                JobTask.TAG_TIMEOUT, Integer.toString(descriptor.timeoutSeconds()));
        return new TaskStart(jobId, attempt, taskDefinitionArn, containerInstance, environment, command, tags);
    }

    /**
     * Whether a job's input is a folder staged whole (a gather's: {@code batches/<pipeline>/<batch>/<step>/}): its
     * key ends with {@code /}. No uploaded input is one: S3 notifications of such keys (console folders) make no job.
     */
    public static boolean isFolder(ObjectRef input) {
        return input.key().endsWith("/");
    }

    /**
     * How long the overrides of a start are, counted as ECS counts them: the characters of their JSON
     * (names, values and quotes; an upper bound).
     */
    public static int length(TaskStart start) {
        int length = 64;
        for (Map.Entry<String, Map<String, String>> container : start.environment().entrySet()) {
            length += container.getKey().length() + 48;
            for (Map.Entry<String, String> variable : container.getValue().entrySet()) {
                length += jsonLength(variable.getKey()) + jsonLength(variable.getValue()) + 24;
            }
        }
        for (String word : start.algorithmCommand()) {
            length += jsonLength(word) + 1;
        }
        return length;
    }

    /**
     * The staged input's file name: the last part of the key, so algorithms that look at the name still
     * can. Control characters become {@code _}; {@code .}, {@code ..} and empty names become
     * {@code input}; overlong names keep their end (the suffix).
     */
    public static String stagedName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        StringBuilder clean = new StringBuilder(name.length());
        name.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? '_' : c));
        name = clean.toString();
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            return "input";
        }
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            name = name.substring(name.offsetByCodePoints(0, 1));
        }
        return name;
    }

    private static int jsonLength(String text) {
        int length = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c == '"' || c == '\\' ? 2 : c < 0x20 ? 6 : 1;
        }
        return length;
    }
}
