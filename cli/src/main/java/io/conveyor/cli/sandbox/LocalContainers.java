package io.conveyor.cli.sandbox;

import io.conveyor.config.Environment;
import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.JobCommand;
import io.conveyor.local.LocalProcessRunner;
import io.conveyor.registration.AlgorithmRecord;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;

/**
 * Conveyor's three containers as local processes (there is no Docker engine here):
 * <ul>
 *   <li>{@code stage-in} and {@code stage-out}: where the AWS CLI is installed, the registered task
 *       definition's own command ({@code /bin/sh -c <script>}) with the container's environment and
 *       the emulator's endpoint and credentials; otherwise the same steps through the SDK
 *       ({@link SdkStaging}).</li>
 *   <li>{@code algorithm}: its descriptor's {@code local} command when it has one (placeholders
 *       filled here, by {@link JobCommand}, from the container's values), else the command dispatch
 *       put in the overrides, with placeholders already filled. The words run as given, no shell of
 *       the sandbox's; environment: the task definition's, then the overrides.</li>
 * </ul>
 * {@code /conveyor} paths in words and values map into the task's folder ({@link TaskFolder}). Each
 * container's output goes to the task's log folder and then to CloudWatch Logs ({@link TaskLogs}).
 * Any other container name cannot start: the sandbox runs Conveyor's wrapped definitions only.
 */
final class LocalContainers implements ContainerLauncher {

    /** Where a container's output goes once it has ended ({@link TaskLogs}). */
    @FunctionalInterface
    interface Output {
        void ship(LogConfiguration configuration, String container,
                  String taskId, Path stdout, Path stderr);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalContainers.class);
    /** Containers have no timeout of their own; fleet-monitor stops tasks past theirs. */
    private static final Duration NO_TIMEOUT = Duration.ofDays(3650);

    private final LocalProcessRunner runner;
    private final Map<String, String> emulatorEnvironment;
    private final SdkStaging sdkStaging;
    private final AlgorithmRegistry registry;
    private final Output logs;

    /**
     * @param emulatorEnvironment the emulator's endpoint, region and credentials for the stage scripts
     *                            ({@code AWS_ENDPOINT_URL}, …)
     * @param sdkStaging          staging through the SDK, or {@code null} to run the scripts with the AWS CLI
     */
    LocalContainers(LocalProcessRunner runner, Map<String, String> emulatorEnvironment, SdkStaging sdkStaging,
                    AlgorithmRegistry registry, Output logs) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.emulatorEnvironment = Map.copyOf(emulatorEnvironment);
        this.sdkStaging = sdkStaging;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.logs = Objects.requireNonNull(logs, "logs");
    }

    /** Whether the AWS CLI ({@code aws}) is on the {@code PATH} of {@code environment}. */
    static boolean awsCliInstalled(Environment environment) {
        return environment.optional("PATH").stream().flatMap(path -> List.of(path.split(File.pathSeparator)).stream())
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, "aws")));
    }

    @Override
    public Outcome run(TaskContext task, ContainerDefinition definition, ContainerOverride override,
                       Consumer<ProcessHandle> started) throws InterruptedException {
        String name = definition.name();
        Path stdout = task.folder().logs().resolve(name + ".stdout");
        Path stderr = task.folder().logs().resolve(name + ".stderr");
        try {
            Files.createDirectories(task.folder().logs());
            Files.createDirectories(task.folder().volume());
            Outcome outcome = switch (name) {
                case TaskDefinitionWrapper.STAGE_IN, TaskDefinitionWrapper.STAGE_OUT ->
                        stage(task, definition, override, stdout, stderr, started);
                case TaskDefinitionWrapper.ALGORITHM -> algorithm(task, definition, override, stdout, stderr, started);
                default -> new Outcome.NotStarted("CannotStartContainerError: the sandbox runs Conveyor's containers ("
                        + TaskDefinitionWrapper.STAGE_IN + ", " + TaskDefinitionWrapper.ALGORITHM + ", "
                        + TaskDefinitionWrapper.STAGE_OUT + ") only, not '" + name + "'");
            };
            if (outcome instanceof Outcome.Exited) {
                logs.ship(definition.logConfiguration(), name, task.taskId(), stdout, stderr);
            }
            return outcome;
        } catch (IOException e) {
            return new Outcome.NotStarted("CannotStartContainerError: " + e.getMessage());
        }
    }

    private Outcome stage(TaskContext task, ContainerDefinition definition, ContainerOverride override, Path stdout,
                          Path stderr, Consumer<ProcessHandle> started) throws IOException, InterruptedException {
        TaskFolder folder = task.folder();
        Map<String, String> environment = folder.map(environment(definition, override));
        if (sdkStaging != null) {
            return new Outcome.Exited(TaskDefinitionWrapper.STAGE_IN.equals(definition.name())
                    ? sdkStaging.stageIn(environment, folder, stderr) : sdkStaging.stageOut(environment, folder, stderr));
        }
        if (!folder.plain()) {
            return new Outcome.NotStarted("CannotStartContainerError: the task folder " + folder.volume()
                    + " is no plain path, which the stage script needs");
        }
        // The registered script, /conveyor pointed at the task's folder through a variable: no path of
        // the sandbox's, and no value, is pasted into shell code.
        List<String> words = new ArrayList<>();
        words.addAll(definition.entryPoint());
        words.addAll(override != null && override.hasCommand() ? override.command() : definition.command());
        words.replaceAll(folder::script);
        Map<String, String> variables = new LinkedHashMap<>(environment);
        variables.putAll(folder.scriptEnvironment());
        variables.putAll(emulatorEnvironment);
        return process(words, variables, folder, stdout, stderr, started);
    }

    private Outcome algorithm(TaskContext task, ContainerDefinition definition, ContainerOverride override, Path stdout,
                              Path stderr, Consumer<ProcessHandle> started) throws IOException, InterruptedException {
        TaskFolder folder = task.folder();
        Map<String, String> environment = folder.map(environment(definition, override));
        Optional<Descriptor.Local> local = localSection(task.tags().get(TaskDefinitionWrapper.TAG_ALGORITHM));
        List<String> words;
        Map<String, String> variables;
        if (local.isPresent()) {
            Descriptor.Local section = local.get();
            Map<String, String> written = new LinkedHashMap<>(section.environment() == null ? Map.of()
                    : section.environment());
            // The container's variables are the job's values (dispatch put every one there), paths mapped.
            JobCommand job = JobCommand.of(section.command(), written, environment);
            words = folder.map(job.command());
            variables = folder.map(job.environment());
        } else {
            words = new ArrayList<>(definition.entryPoint());
            words.addAll(override != null && override.hasCommand() ? override.command() : definition.command());
            words = folder.map(words);
            variables = environment;
        }
        if (words.isEmpty()) {
            return new Outcome.NotStarted("CannotStartContainerError: the algorithm has no command");
        }
        return process(words, variables, folder, stdout, stderr, started);
    }

    /** The descriptor's {@code local} section with a command, if the registry has one for the algorithm. */
    private Optional<Descriptor.Local> localSection(String algorithm) {
        if (algorithm == null) {
            return Optional.empty();
        }
        try {
            return registry.algorithm(algorithm).map(AlgorithmRecord::definition).map(Descriptor::local)
                    .filter(local -> local.command() != null && !local.command().isEmpty());
        } catch (RuntimeException e) {
            LOG.warn("outcome=descriptor-unread algorithm={} reason=\"{}\" note=\"runs the command of the overrides\"",
                    algorithm, e.getMessage());
            return Optional.empty();
        }
    }

    private Outcome process(List<String> words, Map<String, String> variables, TaskFolder folder, Path stdout,
                            Path stderr, Consumer<ProcessHandle> started) throws InterruptedException {
        try {
            LocalProcessRunner.Result result = runner.run(words, variables, folder.volume(), NO_TIMEOUT, stdout, stderr,
                    (pid, start) -> ProcessHandle.of(pid).ifPresent(started));
            return new Outcome.Exited(result.exitCode());
        } catch (IOException e) {
            return new Outcome.NotStarted("CannotStartContainerError: " + e.getMessage());
        }
    }

    /** The task definition's environment, then the overrides'. */
    static Map<String, String> environment(ContainerDefinition definition, ContainerOverride override) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (KeyValuePair pair : definition.environment()) {
            environment.put(pair.name(), pair.value());
        }
        if (override != null) {
            for (KeyValuePair pair : override.environment()) {
                environment.put(pair.name(), pair.value());
            }
        }
        return environment;
    }
}
