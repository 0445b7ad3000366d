package io.conveyor.cli.sandbox;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.local.LocalProcessRunner;
import io.conveyor.registration.AlgorithmRegistry;
import io.conveyor.registration.ObjectStoreRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskField;

/**
 * The ECS agent the emulator lacks: runs every task started on the stack's cluster, as the agent on a
 * container instance would. It finds new tasks by polling the emulator (ListTasks, DescribeTasks),
 * runs each on a virtual thread ({@link TaskExecution}: its containers as local processes through
 * {@link LocalContainers}), emits the ECS Task State Change events through EventBridge
 * ({@link EventPublisher}), keeps the emulator's task in step (StopTask with the task's reason, so it
 * shows STOPPED and frees its instance's resources), and honours StopTask calls made by others
 * (fleet-monitor's timeout, a user): the task's containers are stopped, and the task reported STOPPED
 * with that reason and {@code UserInitiated}. When a host goes away ({@link #hostGone}), its tasks stop
 * with ECS's words for it.
 *
 * <p>What it knows of each task is what {@link EcsGaps} puts into DescribeTasks answers.
 */
public final class EcsAgent implements AutoCloseable, Ec2Simulator.Hosts, EcsGaps.Tasks {

    /** How ECS words a task stopped by StopTask without a reason. */
    static final String STOPPED_BY_USER = "Task stopped by user";
    private static final Logger LOG = LoggerFactory.getLogger(EcsAgent.class);
    private static final int DESCRIBE_LIMIT = 100;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final EcsClient ecs;
    private final TaskExecution.Reports reports;
    private final SandboxStack stack;
    private final Clock clock;
    private final Path workDirectory;
    private final ContainerLauncher launcher;
    private final Duration pollEvery;
    private final Duration stopGrace;
    private final Map<String, TaskExecution> tasks = new ConcurrentHashMap<>();
    private final Map<String, TaskDefinition> definitions = new ConcurrentHashMap<>();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private volatile Thread loop;
    private final Wakeup wakeup = new Wakeup();
    private volatile DisconnectedHosts disconnected = containerInstanceArn -> Optional.empty();

    private EcsAgent(Builder builder, ContainerLauncher launcher) {
        this.ecs = builder.clients.ecs();
        this.reports = new EmulatorReports(ecs, new EventPublisher(builder.clients.eventBridge(), builder.stack.region(),
                builder.stack.accountId()), builder.stack.clusterName());
        this.stack = builder.stack;
        this.clock = builder.clock;
        this.workDirectory = builder.workDirectory;
        this.launcher = launcher;
        this.pollEvery = builder.pollEvery;
        this.stopGrace = builder.stopGrace;
    }

    /**
     * An agent for the stack's cluster on the emulator {@code clients} talk to.
     *
     * @param clients the emulator's clients, without {@link EcsGaps} (the agent reads the emulator as it is)
     */
    public static Builder builder(AwsClients clients, SandboxStack stack) {
        return new Builder(clients, stack);
    }

    /**
     * Tells the agent whose hosts are down. ECS refuses StartTask onto a disconnected agent; moto
     * starts the task anyway, so the agent stops such a task at once, as on a host that went away.
     */
    public void watch(DisconnectedHosts disconnected) {
        this.disconnected = Objects.requireNonNull(disconnected, "disconnected");
    }

    /** Looks again at once (the sandbox saw a task started or stopped). */
    public void wake() {
        wakeup.wake();
    }

    /** Starts polling the emulator for tasks. */
    public void start() {
        loop = Thread.ofVirtual().name("sandbox-ecs-agent").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    poll();
                    wakeup.pause(pollEvery);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // one bad look (the emulator down a moment, a task it cannot take) stops no later one
                    LOG.warn("outcome=poll-failed error=\"{}\"", e.toString());
                }
            }
        });
    }

    /**
     * One look at the cluster: tasks started since the last look are taken up, and running tasks that
     * someone stopped (their desired status is STOPPED in the emulator) are stopped.
     */
    public synchronized void poll() {
        List<String> fresh = new ArrayList<>();
        ecs.listTasksPaginator(request -> request.cluster(stack.clusterName()).desiredStatus(DesiredStatus.RUNNING))
                .taskArns().forEach(arn -> {
                    if (!tasks.containsKey(arn)) {
                        fresh.add(arn);
                    }
                });
        for (Task task : describe(fresh)) {
            if ("RUNNING".equals(task.desiredStatus())) {
                Optional<String> down = disconnected.disconnectedInstance(task.containerInstanceArn());
                if (down.isPresent()) {
                    // Placed on a host that is down (a race with its stop): it goes as the host's tasks went.
                    String reason = hostReason(down.get());
                    ecs.stopTask(request -> request.cluster(stack.clusterName()).task(task.taskArn()).reason(reason));
                    take(task, reason);
                } else {
                    take(task, null);
                }
            }
        }
        List<String> running = tasks.values().stream().filter(t -> !t.state().isStopping())
                .map(t -> t.state().taskArn()).toList();
        for (Task task : describe(running)) {
            if ("STOPPED".equals(task.desiredStatus())) {
                String reason = task.stoppedReason() == null || task.stoppedReason().isBlank() ? STOPPED_BY_USER
                        : task.stoppedReason();
                LOG.info("outcome=task-stopped-by-others task={} reason=\"{}\"", task.taskArn(), reason);
                tasks.get(task.taskArn()).stop("UserInitiated", reason, false, true);
            }
        }
    }

    /**
     * The tasks on a container instance whose EC2 instance stopped or terminated stop with ECS's reason,
     * {@code Host EC2 (instance i-…) stopped/terminated.}: their processes are killed at once and the
     * emulator's tasks stopped before this returns (so the container instance may be deregistered next).
     */
    @Override
    public synchronized void hostGone(String containerInstanceArn, String ec2InstanceId) {
        String reason = hostReason(ec2InstanceId);
        List<String> arns = new ArrayList<>();
        ecs.listTasksPaginator(request -> request.cluster(stack.clusterName()).containerInstance(containerInstanceArn)
                .desiredStatus(DesiredStatus.RUNNING)).taskArns().forEach(arns::add);
        List<Task> unseen = describe(arns.stream().filter(arn -> !tasks.containsKey(arn)).toList());
        for (String arn : arns) {
            ecs.stopTask(request -> request.cluster(stack.clusterName()).task(arn).reason(reason));
            TaskExecution known = tasks.get(arn);
            if (known != null) {
                known.stop(null, reason, true, true);
            }
        }
        // Placed there but not yet taken up: they stop without a container having run.
        unseen.forEach(task -> take(task, reason));
        LOG.info("outcome=host-gone instance={} containerInstance={} tasksStopped={}", ec2InstanceId,
                containerInstanceArn, arns.size());
    }

    /** ECS's {@code stoppedReason} for tasks whose instance stopped or terminated. */
    static String hostReason(String ec2InstanceId) {
        return "Host EC2 (instance " + ec2InstanceId + ") stopped/terminated.";
    }

    /** The task as the agent knows it, as DescribeTasks would give it. */
    @Override
    public Optional<Task> task(String taskArn) {
        return Optional.ofNullable(tasks.get(taskArn)).map(execution -> execution.state().snapshot());
    }

    /**
     * Stops polling and kills every task still running (reported STOPPED, as on a host that went away),
     * waiting a few seconds for their last reports.
     */
    @Override
    public void close() {
        Thread running = loop;
        if (running != null) {
            running.interrupt();
        }
        tasks.values().stream().filter(t -> !t.state().isStopping())
                .forEach(t -> t.stop(null, "the sandbox stopped", true, false));
        Instant deadline = Instant.now().plus(CLOSE_WAIT);
        try {
            for (Thread thread : threads) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || !thread.join(left)) {
                    LOG.warn("outcome=task-still-reporting thread={}", thread.getName());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void take(Task task, String stoppedBeforeStart) {
        TaskDefinition definition;
        try {
            definition = definitions.computeIfAbsent(task.taskDefinitionArn(), arn -> ecs.describeTaskDefinition(
                    request -> request.taskDefinition(arn)).taskDefinition());
        } catch (RuntimeException e) {
            // not taken: the next look tries again, and other tasks are taken meanwhile
            LOG.warn("outcome=task-not-taken task={} taskDefinition={} error=\"{}\"", task.taskArn(),
                    task.taskDefinitionArn(), e.toString());
            return;
        }
        Instant now = clock.instant();
        TaskState state = new TaskState(task, definition.containerDefinitions(), definition.cpu(), definition.memory(),
                stack.region() + "a", now);
        Map<String, String> tags = new HashMap<>();
        task.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        TaskFolder folder = TaskFolder.of(workDirectory, TaskState.taskId(task.taskArn()));
        TaskExecution execution;
        try {
            execution = new TaskExecution(state, new ContainerLauncher.TaskContext(task.taskArn(), tags, folder),
                    definition.containerDefinitions(), task.overrides() == null ? List.of()
                    : task.overrides().containerOverrides(), launcher, reports, clock, stopGrace);
        } catch (IllegalArgumentException e) {
            LOG.warn("outcome=task-not-taken task={} error=\"{}\"", task.taskArn(), e.getMessage());  // a dependsOn cycle
            return;
        }
        if (stoppedBeforeStart != null) {
            execution.stop(null, stoppedBeforeStart, true, true);
        }
        tasks.put(task.taskArn(), execution);
        LOG.info("outcome=task-taken task={} startedBy={} containerInstance={}", task.taskArn(), task.startedBy(),
                task.containerInstanceArn());
        threads.removeIf(thread -> !thread.isAlive());
        threads.add(Thread.ofVirtual().name("sandbox-task-" + TaskState.taskId(task.taskArn())).start(() -> {
            execution.run();
            folder.deleteVolume();
        }));
    }

    private List<Task> describe(List<String> arns) {
        List<Task> described = new ArrayList<>();
        for (int from = 0; from < arns.size(); from += DESCRIBE_LIMIT) {
            List<String> chunk = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_LIMIT));
            described.addAll(ecs.describeTasks(request -> request.cluster(stack.clusterName()).tasks(chunk)
                    .include(TaskField.TAGS)).tasks());
        }
        return described;
    }

    /** How to build an {@link EcsAgent}. */
    public static final class Builder {

        private final AwsClients clients;
        private final SandboxStack stack;
        private Clock clock = Clock.systemUTC();
        private Path workDirectory;
        private Map<String, String> emulatorEnvironment;
        private Duration pollEvery = Duration.ofMillis(250);
        private Duration stopGrace = Duration.ofSeconds(30);
        private Boolean awsCli;
        private AlgorithmRegistry registry;

        private Builder(AwsClients clients, SandboxStack stack) {
            this.clients = Objects.requireNonNull(clients, "clients");
            this.stack = Objects.requireNonNull(stack, "stack");
        }

        /** The sandbox's time (task times, the stop grace). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where tasks' folders are made (required). */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = workDirectory.toAbsolutePath().normalize();
            return this;
        }

        /** The emulator as the stage scripts reach it: endpoint and its dummy credentials (required). */
        public Builder emulator(URI endpoint, String accessKeyId, String secretAccessKey) {
            this.emulatorEnvironment = Map.of("AWS_ENDPOINT_URL", endpoint.toString(), "AWS_ACCESS_KEY_ID", accessKeyId,
                    "AWS_SECRET_ACCESS_KEY", secretAccessKey, "AWS_REGION", stack.region(),
                    "AWS_DEFAULT_REGION", stack.region());
            return this;
        }

        /** How often the emulator is asked for new and stopped tasks (wall time; default 250 ms). */
        public Builder pollEvery(Duration pollEvery) {
            this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
            return this;
        }

        /** Between SIGTERM and SIGKILL when a task is stopped (sandbox time; ECS_CONTAINER_STOP_TIMEOUT, 30 s). */
        public Builder stopGrace(Duration stopGrace) {
            this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
            return this;
        }

        /** Whether stage scripts run with the AWS CLI; by default, when {@code aws} is on the PATH. */
        public Builder awsCli(boolean awsCli) {
            this.awsCli = awsCli;
            return this;
        }

        /** Where algorithms' descriptors are read; by default the registry in the stack's output bucket. */
        public Builder registry(AlgorithmRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        public EcsAgent build() {
            Objects.requireNonNull(workDirectory, "workDirectory");
            Objects.requireNonNull(emulatorEnvironment, "emulator (endpoint and credentials)");
            boolean cli = awsCli == null ? LocalContainers.awsCliInstalled(Environment.system()) : awsCli;
            if (!cli) {
                LOG.info("outcome=staging-through-sdk reason=\"{}\" note=\"stage-in and stage-out do their scripts' "
                        + "steps with the SDK instead of running them\"", awsCli == null
                        ? "the AWS CLI (aws) is not on the PATH" : "asked for");
            }
            AlgorithmRegistry algorithms = registry != null ? registry
                    : new ObjectStoreRegistry(new S3ObjectStore(clients.s3()), stack.outputBucket());
            LocalContainers containers = new LocalContainers(new LocalProcessRunner(), emulatorEnvironment,
                    cli ? null : new SdkStaging(clients.s3()), algorithms, new TaskLogs(clients.logs(), clock)::ship);
            return new EcsAgent(this, containers);
        }
    }
}
