package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.JobCommand;
import io.conveyor.descriptor.Placeholders;
import io.conveyor.dispatch.InputRules;
import io.conveyor.jobs.JobRecord;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs one attempt as ECS would run its task, on the calling (virtual) thread: stages the input into
 * the attempt's folder (as stage-in does), fills the container contract, runs the algorithm as a
 * local process or a Docker container, and reports its start and its end.
 */
final class AttemptRunner {

    private final LocalSettings settings;
    private final LocalProcessRunner runner;
    private final LocalOutputs outputs;

    AttemptRunner(LocalSettings settings, LocalProcessRunner runner, LocalOutputs outputs) {
        this.settings = settings;
        this.runner = runner;
        this.outputs = outputs;
    }

    /** Runs the attempt {@code job} is STARTING, reporting to {@code reports}. */
    void run(JobRecord job, Descriptor descriptor, Consumer<AttemptReport> reports) {
        AtomicBoolean started = new AtomicBoolean();
        boolean gather = LocalOutputs.isGather(job);
        String name = gather ? null : Path.of(job.input()).getFileName().toString();
        Path staged = null;
        try {
            Path dir = outputs.ready(job, name);
            // The algorithm works on a copy, and a file changed since it was taken is noticed here; a gather's
            // folder is copied whole (its files, the members' outputs, never change). A copy an earlier attempt in
            // this folder staged is written over, not replaced: its inode is reused.
            staged = gather ? dir.resolve("input") : dir.resolve("input").resolve(name);
            if (gather) {
                copyTree(Path.of(job.input()), staged);
            } else if (!("sha256:" + Digests.copyWithSha256(Path.of(job.input()), staged,
                    LinkOption.NOFOLLOW_LINKS)).equals(job.inputVersion())) {
                reports.accept(new AttemptReport.NotStarted(job.id(), job.attempt(),
                        "the input changed after it was taken; its new content is taken as a new job", true));
                return;
            }
            boolean docker = settings.runtime() == LocalRuntime.DOCKER;
            Map<String, String> values;
            try {
                values = new HashMap<>(InputRules.parameterValues(descriptor,
                        LocalParameters.of(settings, Path.of(job.input()), job.pipeline())));
            } catch (InputRules.MissingParameterException | LocalParameters.BadSidecarException e) {
                reports.accept(new AttemptReport.NotStarted(job.id(), job.attempt(), e.getMessage()
                        + " (give it with --param or in " + LocalParameters.sidecar(Path.of(job.input())) + ")", false));
                return;
            }
            if (gather) {
                // A gather's input is a folder: CONVEYOR_INPUT_DIR, and no CONVEYOR_INPUT (as on ECS).
                values.put(Placeholders.INPUT_DIR, docker ? DockerInvocation.WORK_DIR + "/input" : staged.toString());
            } else {
                values.put(Placeholders.INPUT, docker ? DockerInvocation.WORK_DIR + "/input/" + staged.getFileName()
                        : staged.toString());
                values.put(Placeholders.INPUT_NAME, staged.getFileName().toString());
            }
            values.put(Placeholders.OUTPUT_DIR, docker ? DockerInvocation.WORK_DIR + "/output" : dir.resolve("output").toString());
            values.put(Placeholders.JOB_ID, job.id());
            values.put(Placeholders.ATTEMPT, Integer.toString(job.attempt()));
            // The local section is for this machine's own tools; in Docker the image runs as on ECS.
            boolean local = !docker && descriptor.local() != null;
            List<String> template = local && descriptor.local().command() != null ? descriptor.local().command()
                    : descriptor.command();
            Map<String, String> written = new HashMap<>(descriptor.environment());
            if (local && descriptor.local().environment() != null) {
                written.putAll(descriptor.local().environment());
            }
            JobCommand run = JobCommand.of(template, written, values);
            List<String> command = run.command();
            Map<String, String> environment = run.environment();
            String container = DockerInvocation.containerName(job.id(), job.attempt());
            List<String> processCommand = docker ? DockerInvocation.command(descriptor, container, dir, environment,
                    command, DockerInvocation.currentUser()) : command;
            if (docker && gather) {
                processCommand = DockerInvocation.withReadOnlyInput(processCommand, dir);
            }
            Map<String, String> processEnvironment = docker ? Map.of() : environment;
            LocalProcessRunner.Result result = runner.run(processCommand, processEnvironment, dir,
                    Duration.ofSeconds(descriptor.timeoutSeconds()), outputs.logFile(job),
                    (pid, processStart) -> {
                        started.set(true);
                        reports.accept(new AttemptReport.Started(job.id(), job.attempt(), pid, processStart));
                    });
            if (docker && result.timedOut()) {
                DockerInvocation.remove(container);
            }
            if (!gather) {
                freeSpace(staged);
            }
            reports.accept(new AttemptReport.Exited(job.id(), job.attempt(), result));
        } catch (InterruptedException e) {
            // The run is stopping, or the job was cancelled: the process is ended (the container too),
            // the record stays as it is (and the next run resumes it, unless it is cancelled).
            if (settings.runtime() == LocalRuntime.DOCKER) {
                DockerInvocation.remove(DockerInvocation.containerName(job.id(), job.attempt()));
            }
            // Nothing reports on this attempt, so its folder is freed here: its process has ended.
            outputs.free(job.id(), job.attempt());
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            reports.accept(started.get() ? new AttemptReport.Broke(job.id(), job.attempt(), e.toString())
                    : new AttemptReport.NotStarted(job.id(), job.attempt(), "cannot start: " + e, false));
        }
    }

    /**
     * The staged copy's space is given back as soon as the algorithm ended (it is written over by the folder's next
     * attempt); an algorithm that moved or replaced it has done so already.
     */
    private static void freeSpace(Path staged) {
        try (FileChannel copy = FileChannel.open(staged,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            copy.truncate(0);
        } catch (IOException e) {
            // Not there, or not a file any more: the folder's next attempt removes what is there.
        }
    }

    /** Copies a folder's files (not its links) below {@code target}. */
    private static void copyTree(Path source, Path target) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file, to);
            }
        }
    }
}
