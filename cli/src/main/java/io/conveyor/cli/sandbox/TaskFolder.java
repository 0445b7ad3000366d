package io.conveyor.cli.sandbox;

import io.conveyor.registration.TaskDefinitionWrapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder that stands for one task's {@code /conveyor} volume on this machine, and how the paths a
 * task names map into it. ECS mounts the volume at {@code /conveyor} in every container; a local
 * process cannot see it there, so a value or a word that is {@code /conveyor} or starts with
 * {@code /conveyor/} becomes the same path under {@link #volume()}.
 *
 * <p>Shell code is different: the path is never pasted into a script. {@link #script(String)} puts a
 * reference to {@link #VOLUME_VARIABLE} where the script names {@code /conveyor}, and the value
 * travels in the environment, like every other value Conveyor hands a shell.
 *
 * @param volume what {@code /conveyor} is for this task
 * @param logs   where its containers' output is kept (outside the volume: the algorithm never sees it)
 */
record TaskFolder(Path volume, Path logs) {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFolder.class);

    /** Where the volume is mounted inside the task. */
    static final String MOUNT = TaskDefinitionWrapper.WORK_DIR;
    /** The variable that holds {@link #volume()} for a stage script. */
    static final String VOLUME_VARIABLE = "CONVEYOR_SANDBOX_VOLUME";

    /**
     * A path a shell may read unquoted from a variable: no blanks (word splitting) and no glob
     * characters. The sandbox's folders are made under the temporary directory, which qualifies.
     */
    private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9/._+-]+");
    /** {@code /conveyor} as a path of its own: not {@code /conveyorX}, not {@code a/conveyor}. */
    private static final Pattern MOUNT_IN_SCRIPT = Pattern.compile("(?<![\\w./-])" + Pattern.quote(MOUNT) + "(?=/|$|[^\\w.-])");

    TaskFolder {
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(logs, "logs");
        volume = volume.toAbsolutePath().normalize();
        logs = logs.toAbsolutePath().normalize();
    }

    /** The folders of one task under the agent's work directory. */
    static TaskFolder of(Path workDirectory, String taskId) {
        Path task = workDirectory.resolve(taskId);
        return new TaskFolder(task.resolve("volume"), task.resolve("logs"));
    }

    /** {@code value} with a leading {@code /conveyor} path mapped into the volume; anything else as it is. */
    String map(String value) {
        if (value == null) {
            return null;
        }
        if (value.equals(MOUNT)) {
            return volume.toString();
        }
        if (value.startsWith(MOUNT + "/")) {
            return volume + value.substring(MOUNT.length());
        }
        return value;
    }

    /** Each word {@link #map(String) mapped}; a word stays one word. */
    List<String> map(List<String> words) {
        return words.stream().map(this::map).toList();
    }

    /** Each value {@link #map(String) mapped}; names unchanged. */
    Map<String, String> map(Map<String, String> environment) {
        Map<String, String> mapped = new LinkedHashMap<>();
        environment.forEach((name, value) -> mapped.put(name, map(value)));
        return mapped;
    }

    /**
     * A stage script with each {@code /conveyor} path replaced by {@code ${CONVEYOR_SANDBOX_VOLUME}}: a
     * constant of the sandbox's, never the path itself. The variable must come with the script's
     * environment ({@link #scriptEnvironment()}).
     *
     * @throws IllegalStateException when the volume's path could not be read unquoted by a shell
     */
    String script(String script) {
        if (!plain()) {
            throw new IllegalStateException("the task folder " + volume + " holds characters a shell would split or "
                    + "expand; stage scripts need a plain path");
        }
        return MOUNT_IN_SCRIPT.matcher(script).replaceAll(Matcher.quoteReplacement("${" + VOLUME_VARIABLE + "}"));
    }

    /** The variable {@link #script(String)} refers to. */
    Map<String, String> scriptEnvironment() {
        return Map.of(VOLUME_VARIABLE, volume.toString());
    }

    /** Removes the volume, as ECS cleans a stopped task's volume up (the logs stay). */
    void deleteVolume() {
        if (!Files.exists(volume)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(volume)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warn("outcome=task-volume-kept folder={} error=\"{}\"", volume, e.getMessage());
        }
    }

    /** Whether a shell reads the volume's path unquoted as one word, unexpanded. */
    boolean plain() {
        return PLAIN_PATH.matcher(volume.toString()).matches();
    }
}
