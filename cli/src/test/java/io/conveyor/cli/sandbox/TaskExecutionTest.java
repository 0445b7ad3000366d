package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.registration.TaskDefinitionWrapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.Task;

class TaskExecutionTest {

    @TempDir
    Path dir;

    /** Containers that exit with given codes, or run a real process until it is stopped. */
    static final class Launcher implements ContainerLauncher {
        final Map<String, Outcome> outcomes;
        final List<String> ran = new CopyOnWriteArrayList<>();
        final CountDownLatch processStarted = new CountDownLatch(1);
        final String processContainer;

        Launcher(Map<String, Outcome> outcomes, String processContainer) {
            this.outcomes = outcomes;
            this.processContainer = processContainer;
        }

        @Override
        public Outcome run(TaskContext task, ContainerDefinition definition, ContainerOverride override,
                           Consumer<ProcessHandle> started) throws InterruptedException {
            ran.add(definition.name());
            if (definition.name().equals(processContainer)) {
                try {
                    Process process = new ProcessBuilder("sh", "-c", "sleep 30; exit 0").start();
                    started.accept(process.toHandle());
                    processStarted.countDown();
                    return new Outcome.Exited(process.waitFor());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return outcomes.getOrDefault(definition.name(), new Outcome.Exited(0));
        }
    }

    /** What reached EventBridge and the emulator. */
    static final class Reports implements TaskExecution.Reports {
        final List<Task> published = new CopyOnWriteArrayList<>();
        final List<String> emulatorStops = new CopyOnWriteArrayList<>();

        @Override
        public void publish(Task task, java.time.Instant at) {
            published.add(task);
        }

        @Override
        public void stopInEmulator(String taskArn, String reason) {
            emulatorStops.add(reason);
        }

        Task last() {
            return published.getLast();
        }
    }

    TaskExecution execution(Launcher launcher, Reports reports, List<ContainerDefinition> containers) {
        TaskState state = new TaskState(WrappedTasks.task(), containers, "512", "512", "us-east-1a", Clock.systemUTC().instant());
        return new TaskExecution(state, new ContainerLauncher.TaskContext(WrappedTasks.TASK_ARN, Map.of(),
                TaskFolder.of(dir, "t")), containers, WrappedTasks.task().overrides().containerOverrides(), launcher,
                reports, Clock.systemUTC(), Duration.ofSeconds(5));
    }

    static List<String> exitCodes(Task task) {
        return task.containers().stream().map(c -> c.name() + "=" + c.exitCode()).toList();
    }

    @Test
    void run_wrappedDefinitionGivenInAnyOrder_runsStageInThenAlgorithmThenStageOut() {
        Launcher launcher = new Launcher(Map.of(), null);
        Reports reports = new Reports();
        List<ContainerDefinition> reversed = WrappedTasks.containers().reversed();

        execution(launcher, reports, reversed).run();

        assertThat(launcher.ran).containsExactly("stage-in", "algorithm", "stage-out");
        assertThat(reports.published).extracting(Task::lastStatus).containsExactly("RUNNING", "STOPPED");
        assertThat(reports.published.getFirst().containers()).extracting(Container::lastStatus)
                .containsExactly("PENDING", "PENDING", "RUNNING");  // in definition order: stage-out, algorithm, stage-in
        Task stopped = reports.last();
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.stoppedReason()).isEqualTo(TaskExecution.ESSENTIAL_EXITED);
        assertThat(stopped.startedAt()).isNotNull();
        assertThat(stopped.stoppedAt()).isNotNull();
        assertThat(exitCodes(stopped)).containsExactlyInAnyOrder("stage-in=0", "algorithm=0", "stage-out=0");
        assertThat(reports.emulatorStops).containsExactly(TaskExecution.ESSENTIAL_EXITED);
    }

    @Test
    void run_failedAlgorithm_stillRunsStageOutAndReportsItsCode() {
        Launcher launcher = new Launcher(Map.of("algorithm", new ContainerLauncher.Outcome.Exited(3)), null);
        Reports reports = new Reports();

        execution(launcher, reports, WrappedTasks.containers()).run();

        assertThat(launcher.ran).containsExactly("stage-in", "algorithm", "stage-out");
        assertThat(exitCodes(reports.last())).containsExactly("stage-in=0", "algorithm=3", "stage-out=0");
    }

    @Test
    void run_failingStageIn_skipsTheAlgorithmAsTheEcsAgentDoes() {
        Launcher launcher = new Launcher(Map.of("stage-in", new ContainerLauncher.Outcome.Exited(1),
                "stage-out", new ContainerLauncher.Outcome.Exited(65)), null);
        Reports reports = new Reports();

        execution(launcher, reports, WrappedTasks.containers()).run();

        // The algorithm's SUCCESS dependency can never hold: it is stopped unstarted (143), which
        // satisfies stage-out's COMPLETE; stage-out finds nothing staged.
        assertThat(launcher.ran).containsExactly("stage-in", "stage-out");
        Task stopped = reports.last();
        assertThat(exitCodes(stopped)).containsExactly("stage-in=1", "algorithm=143", "stage-out=65");
        assertThat(stopped.containers().get(1).reason())
                .startsWith("CannotStartContainerError: dependency graph: failed to resolve container ordering "
                        + "dependency [stage-in (STOPPED) - Exit: 1, needed SUCCESS] for target [algorithm]");
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    @Test
    void run_algorithmThatCannotStart_stopsTheTaskAsFailedToStartWithItsReason() {
        Launcher launcher = new Launcher(Map.of("algorithm",
                new ContainerLauncher.Outcome.NotStarted("CannotStartContainerError: no-such-program: not found")), null);
        Reports reports = new Reports();

        execution(launcher, reports, WrappedTasks.containers()).run();

        assertThat(launcher.ran).containsExactly("stage-in", "algorithm");
        Task stopped = reports.last();
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason()).isEqualTo("CannotStartContainerError: no-such-program: not found");
        assertThat(stopped.containers()).extracting(Container::lastStatus).containsOnly("STOPPED");
        assertThat(exitCodes(stopped)).containsExactly("stage-in=0", "algorithm=null", "stage-out=null");
        assertThat(stopped.containers().get(1).reason()).isEqualTo("CannotStartContainerError: no-such-program: not found");
    }

    @Test
    void stop_byAnotherStopTask_endsTheRunningContainerAndReportsUserInitiatedWithThatReason() throws Exception {
        Launcher launcher = new Launcher(Map.of(), "algorithm");
        Reports reports = new Reports();
        TaskExecution execution = execution(launcher, reports, WrappedTasks.containers());
        Thread thread = Thread.ofVirtual().start(execution);
        assertThat(launcher.processStarted.await(10, TimeUnit.SECONDS)).isTrue();

        execution.stop("UserInitiated", "Conveyor: timed out after 600 s (timeoutSeconds)", false, true);
        thread.join(Duration.ofSeconds(10));

        assertThat(thread.isAlive()).isFalse();
        assertThat(launcher.ran).containsExactly("stage-in", "algorithm");
        Task stopped = reports.last();
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(stopped.stoppedReason()).isEqualTo("Conveyor: timed out after 600 s (timeoutSeconds)");
        assertThat(exitCodes(stopped)).containsExactly("stage-in=0", "algorithm=143", "stage-out=null");
        assertThat(reports.emulatorStops).as("the emulator's task was stopped by the caller already").isEmpty();
    }

    @Test
    void stop_hostGone_killsAtOnceAndReportsEcssHostReasonWithoutAStopCode() throws Exception {
        Launcher launcher = new Launcher(Map.of(), "algorithm");
        Reports reports = new Reports();
        TaskExecution execution = execution(launcher, reports, WrappedTasks.containers());
        Thread thread = Thread.ofVirtual().start(execution);
        assertThat(launcher.processStarted.await(10, TimeUnit.SECONDS)).isTrue();

        execution.stop(null, "Host EC2 (instance i-0abc) stopped/terminated.", true, true);
        thread.join(Duration.ofSeconds(10));

        Task stopped = reports.last();
        assertThat(stopped.stoppedReason()).isEqualTo("Host EC2 (instance i-0abc) stopped/terminated.");
        assertThat(stopped.stopCode()).isNull();
        assertThat(exitCodes(stopped)).containsExactly("stage-in=0", "algorithm=137", "stage-out=null");
    }

    @Test
    void run_essentialContainerExits_stopsTheTaskBeforeContainersThatWaitedForIt() {
        List<ContainerDefinition> containers = List.of(
                ContainerDefinition.builder().name("stage-in").essential(true).build(),
                ContainerDefinition.builder().name("algorithm").essential(false)
                        .dependsOn(d -> d.containerName("stage-in").condition("COMPLETE")).build());
        Launcher launcher = new Launcher(Map.of(), null);
        Reports reports = new Reports();

        execution(launcher, reports, containers).run();

        assertThat(launcher.ran).containsExactly("stage-in");
        assertThat(exitCodes(reports.last())).containsExactly("stage-in=0", "algorithm=null");
        assertThat(reports.last().stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    @Test
    void stop_afterTheTaskDecidedItsEnd_changesNothing() {
        Launcher launcher = new Launcher(Map.of(), null);
        Reports reports = new Reports();
        TaskExecution execution = execution(launcher, reports, WrappedTasks.containers());
        execution.run();

        execution.stop("UserInitiated", "late", false, true);

        assertThat(execution.state().snapshot().stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    @Test
    void order_cyclicDependencies_areRefused() {
        ContainerDefinition a = ContainerDefinition.builder().name("a").dependsOn(d -> d.containerName("b")
                .condition("START")).build();
        ContainerDefinition b = ContainerDefinition.builder().name("b").dependsOn(d -> d.containerName("a")
                .condition("START")).build();

        assertThatThrownBy(() -> TaskExecution.order(List.of(a, b))).hasMessageContaining("cycle");
        assertThat(TaskExecution.order(WrappedTasks.containers().reversed())).extracting(ContainerDefinition::name)
                .containsExactly(TaskDefinitionWrapper.STAGE_IN, TaskDefinitionWrapper.ALGORITHM,
                        TaskDefinitionWrapper.STAGE_OUT);
    }
}
