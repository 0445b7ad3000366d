package io.conveyor.cli.sandbox;

import io.conveyor.aws.AwsClients;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.EcsClusterContainerInstances;
import io.conveyor.aws.EcsStackTaskDefinitions;
import io.conveyor.cli.template.SamTemplate;
import io.conveyor.config.Environment;
import io.conveyor.fleet.Teardown;
import io.conveyor.fleet.TeardownReport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed pipeline on one machine: the stack of {@code template.yaml} on an emulator, its
 * functions' real handlers run as Lambda would run them, and what the emulator cannot do simulated
 * (instances that boot and register, an ECS agent, idle alarms). Started by {@link #start}, stopped
 * by {@link #close}, which stops everything it started.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /**
     * How often the simulators look at the emulator for changes made elsewhere (wall time); changes
     * the handlers make wake them at once ({@link SandboxWakeups}).
     */
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Settings settings;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<Thread> pollers = new ArrayList<>();
    /** How to stop dispatch's pollers, for the teardown. */
    private final List<Runnable> dispatchPollers = new ArrayList<>();
    private final Map<String, SandboxFunction> functions = new LinkedHashMap<>();
    private MotoServer moto;
    private URI endpoint;
    private SandboxStack stack;
    private SandboxClock clock;
    private SandboxAlarms alarms;
    private Ec2Simulator fleet;
    private EcsAgent agent;
    private Schedules schedules;
    private AwsClients emulator;
    private EnvFile envFile;
    private Faults faults;

    private Sandbox(Settings settings) {
        this.settings = settings;
    }

    /**
     * What to stand up and how.
     *
     * @param template   the SAM template
     * @param stackName  the stack's name
     * @param endpoint   an emulator that runs already, or {@code null} to start {@code moto_server}
     * @param work       where tasks' folders, the emulator's log and its {@code moto-python/} go
     * @param bootDelay  how long an instance boots before it registers (sandbox time)
     * @param timeScale  how long a sandbox second lasts in wall seconds ({@link SandboxClock})
     * @param parameters template parameters to set (others keep their defaults)
     * @param faults     faults to inject
     * @param staging    how stage-in and stage-out run
     */
    public record Settings(Path template, String stackName, URI endpoint, Path work, Duration bootDelay, double timeScale,
                           Map<String, String> parameters, Faults.Settings faults, Staging staging) {
        public Settings {
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(stackName, "stackName");
            Objects.requireNonNull(work, "work");
            Objects.requireNonNull(bootDelay, "bootDelay");
            parameters = Map.copyOf(parameters);
            Objects.requireNonNull(faults, "faults");
            Objects.requireNonNull(staging, "staging");
        }

        /** The defaults: stack {@code sandbox}, moto started here, boots of 20 s, real time, no faults. */
        public static Settings of(Path template, Path work) {
            return new Settings(template, StackTemplate.DEFAULT_STACK_NAME, null, work, Duration.ofSeconds(20), 1,
                    Map.of(), Faults.NONE, Staging.DEFAULT);
        }

        public Settings withStackName(String name) {
            return new Settings(template, name, endpoint, work, bootDelay, timeScale, parameters, faults, staging);
        }

        public Settings withEndpoint(URI emulator) {
            return new Settings(template, stackName, emulator, work, bootDelay, timeScale, parameters, faults, staging);
        }

        public Settings withBootDelay(Duration delay) {
            return new Settings(template, stackName, endpoint, work, delay, timeScale, parameters, faults, staging);
        }

        public Settings withTimeScale(double scale) {
            return new Settings(template, stackName, endpoint, work, bootDelay, scale, parameters, faults, staging);
        }

        public Settings withParameters(Map<String, String> values) {
            return new Settings(template, stackName, endpoint, work, bootDelay, timeScale, values, faults, staging);
        }

        public Settings withFaults(Faults.Settings injected) {
            return new Settings(template, stackName, endpoint, work, bootDelay, timeScale, parameters, injected, staging);
        }

        public Settings withStaging(Staging how) {
            return new Settings(template, stackName, endpoint, work, bootDelay, timeScale, parameters, faults, how);
        }
    }

    /**
     * How the agent runs stage-in and stage-out: the registered task definition's own scripts with
     * the AWS CLI (real, about 1.5 s of CPU each, the CLI's start), or the same steps through the SDK
     * in this process (fast: for many jobs at once). {@code DEFAULT}: the CLI where it is installed.
     */
    public enum Staging {
        DEFAULT, AWS_CLI, SDK
    }

    /** Stands the sandbox up and starts every poller; returns once it is ready. */
    public static Sandbox start(Settings settings) throws IOException, InterruptedException {
        Sandbox sandbox = new Sandbox(settings);
        try {
            sandbox.startAll();
            return sandbox;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            // Whatever went wrong, nothing it started is left running.
            sandbox.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Files.createDirectories(settings.work());
        if (settings.endpoint() == null) {
            moto = MotoServer.start(settings.work().resolve("moto_server.log"));
            started.add(moto);
            endpoint = moto.endpoint();
        } else {
            endpoint = settings.endpoint();
        }
        boolean isMoto = MotoServer.leaveTasksToTheAgent(endpoint);
        LOG.info("outcome=emulator endpoint={} moto={}", endpoint, isMoto);
        // The handlers use the default credentials chain, as on Lambda: the emulator's dummy keys.
        if (Environment.system().optional("AWS_ACCESS_KEY_ID").isEmpty() && System.getProperty("aws.accessKeyId") == null) {
            System.setProperty("aws.accessKeyId", EnvFile.DUMMY_ACCESS_KEY_ID);
            System.setProperty("aws.secretAccessKey", EnvFile.DUMMY_SECRET_ACCESS_KEY);
        }
        StackTemplate.Builder template = StackTemplate.builder(SamTemplate.read(settings.template()))
                .stackName(settings.stackName());
        settings.parameters().forEach(template::parameter);
        Map<String, String> base = Map.of(AwsClients.REGION_VARIABLE, StackTemplate.DEFAULT_REGION,
                AwsClients.ENDPOINT_VARIABLE, endpoint.toString());
        emulator = AwsClients.from(Environment.of(base));
        try (StackBuilder builder = new StackBuilder(emulator)) {
            stack = builder.build(template.build());
        }
        clock = SandboxClock.scaled(settings.timeScale());
        EcsAgent.Builder agentBuilder = EcsAgent.builder(emulator, stack).clock(clock).pollEvery(POLL)
                .workDirectory(settings.work().resolve("tasks"))
                .emulator(endpoint, EnvFile.DUMMY_ACCESS_KEY_ID, EnvFile.DUMMY_SECRET_ACCESS_KEY);
        if (settings.staging() != Staging.DEFAULT) {
            agentBuilder.awsCli(settings.staging() == Staging.AWS_CLI);
        }
        agent = agentBuilder.build();
        started.add(agent);
        fleet = new Ec2Simulator(emulator, stack, clock, settings.bootDelay(), agent, POLL);
        agent.watch(fleet);
        started.add(fleet);
        alarms = new SandboxAlarms(stack.stackName(), idleMinutes(), this::stopInstance, clock);
        faults = new Faults(settings.faults());
        AwsClients faulty = settings.faults().callFaults()
                ? emulator.withHttpClient(client -> new FaultyHttpClient(client, faults)) : emulator;
        AwsClients handlers = faulty.with(new EcsGaps(fleet, agent)).with(new TimeScaleInterceptor(clock))
                .with(new SandboxWakeups(agent::wake, fleet::wake));
        SandboxFunction.Context context = new SandboxFunction.Context(handlers, base, alarms, clock);
        schedules = new Schedules(stack, clock);
        started.add(schedules);
        agent.start();
        fleet.start();
        for (SandboxStack.FunctionBinding binding : stack.functions()) {
            if (binding.sources().isEmpty()) {
                continue;
            }
            SandboxFunction function = SandboxFunction.build(binding, context);
            functions.put(binding.logicalId(), function);
            for (SandboxStack.EventSource source : binding.sources()) {
                S3NotificationVersions versions = new S3NotificationVersions(emulator.s3());
                switch (source) {
                    case SandboxStack.EventSource.Sqs sqs -> poll(new EventSourceMapping(sqs, function,
                            emulator.sqs(), stack.region(), faults, versions), "sandbox-" + function.name() + "-" + sqs.name(),
                            SandboxFunction.DISPATCH.equals(binding.handlerClass()));
                    case SandboxStack.EventSource.Rule rule -> poll(new RuleDelivery(rule, function, emulator.sqs()),
                            "sandbox-" + function.name() + "-" + rule.name(), false);
                    case SandboxStack.EventSource.Schedule schedule -> schedules.start(function, schedule);
                }
            }
        }
        ScheduledExecutorService evaluator = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sandbox-alarms");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(50, clock.wall(Duration.ofSeconds(10)).toMillis());
        evaluator.scheduleAtFixedRate(alarms::evaluate, every, every, TimeUnit.MILLISECONDS);
        started.add(evaluator::shutdownNow);
        envFile = EnvFile.of(stack, endpoint);
    }

    private void poll(Runnable poller, String name, boolean dispatch) {
        Thread thread = Thread.ofVirtual().name(name).start(poller);
        pollers.add(thread);
        Runnable stop = () -> {
            if (poller instanceof EventSourceMapping mapping) {
                mapping.stop();
            } else if (poller instanceof RuleDelivery delivery) {
                delivery.stop();
            }
            thread.interrupt();
        };
        started.add(stop::run);
        if (dispatch) {
            dispatchPollers.add(stop);
        }
    }

    /** The idle alarms' action: the EC2 stop of the instance. */
    private void stopInstance(String instanceId) {
        LOG.info("outcome=alarm-stops-instance instance={}", instanceId);
        try (var ec2 = emulator.ec2()) {
            ec2.stopInstances(r -> r.instanceIds(instanceId));
        }
    }

    private int idleMinutes() {
        return stack.functions().stream().filter(f -> SandboxFunction.FLEET_MONITOR.equals(f.handlerClass()))
                .map(f -> f.environment().get("IDLE_MINUTES")).filter(Objects::nonNull).map(Integer::parseInt)
                .findFirst().orElse(10);
    }

    public URI endpoint() {
        return endpoint;
    }

    public SandboxStack stack() {
        return stack;
    }

    /** What a person exports to drive the sandbox with the AWS CLI. */
    public EnvFile envFile() {
        return envFile;
    }

    /** The emulator's clients, without the sandbox's mends (as a person's AWS CLI sees it). */
    public AwsClients emulator() {
        return emulator;
    }

    /** The simulated fleet (to kill an instance, to slow boots). */
    public Ec2Simulator fleet() {
        return fleet;
    }

    public SandboxAlarms alarms() {
        return alarms;
    }

    public SandboxClock clock() {
        return clock;
    }

    /** The faults injected so far, by kind. */
    public Map<String, Long> faultsInjected() {
        return faults.injected();
    }

    /** What the limit on ECS's task starts saw ({@code --fault ecs-rate}), all zero when it is off. */
    public EcsStartLimit.Seen ecsStarts() {
        return faults.ecsStarts();
    }

    /** Runs a function's schedule once now (fleet-monitor's heartbeat, without waiting for it). */
    public void tick(String functionLogicalId) {
        SandboxFunction function = functions.get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("no function " + functionLogicalId + " with events in the sandbox");
        }
        function.binding().sources().stream().filter(SandboxStack.EventSource.Schedule.class::isInstance)
                .map(SandboxStack.EventSource.Schedule.class::cast).findFirst()
                .ifPresent(schedule -> schedules.tick(function, schedule));
    }

    /**
     * What deleting the stack does before CloudFormation deletes the cluster: dispatch goes first
     * (the template's {@code DependsOn}), so that nothing launches meanwhile, then the stack's
     * teardown runs (the custom resource's work, done here by hand: moto's CloudFormation cannot run
     * it): task definitions deregistered, instances terminated and waited for, container instances
     * deregistered, idle alarms deleted.
     */
    public TeardownReport teardown() {
        List.copyOf(dispatchPollers).forEach(Runnable::run);
        SandboxStack.FunctionBinding teardown = stack.functions().stream()
                .filter(f -> SandboxFunction.TEARDOWN.equals(f.handlerClass()))
                .findFirst().orElseThrow(() -> new IllegalStateException("the template has no teardown function"));
        Ec2InstanceFleet instances = new Ec2InstanceFleet(emulator.ec2(), stack.stackName());
        Teardown run = new Teardown(instances, new EcsClusterContainerInstances(emulator.ecs(), stack.clusterName()),
                new EcsStackTaskDefinitions(emulator.ecs(), teardown.environment().get("TASK_FAMILY_PREFIX")), alarms, clock,
                duration -> Thread.sleep(clock.wall(duration).toMillis()), Duration.ofSeconds(10));
        return run.run(clock.instant().plus(Duration.ofMinutes(14)), clock.instant().plus(Duration.ofSeconds(75)));
    }

    /** Stops everything it started, the last started first. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("outcome=stop-failed part={} reason=\"{}\"", started.get(i).getClass().getSimpleName(),
                        e.getMessage());
            }
        }
        started.clear();
    }
}
