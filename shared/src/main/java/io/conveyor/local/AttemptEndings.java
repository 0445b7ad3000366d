package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.Transition;
import io.conveyor.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The event an attempt's end makes, for {@link LocalJobs}: an ending that ends the job keeps the
 * attempt's output where the job's output lies, and a success's output files become its next steps.
 */
final class AttemptEndings {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AttemptEndings.class);

    private final LocalAdmission admission;
    private final LocalOutputs outputs;
    private final Clock clock;

    AttemptEndings(LocalAdmission admission, LocalOutputs outputs, Clock clock) {
        this.admission = admission;
        this.outputs = outputs;
        this.clock = clock;
    }

    /**
     * How an attempt's process ended. A job it ends (success, or a failure with no retry left) keeps
     * the attempt's output where the job's output lies; a success's output files become its next steps.
     */
    JobEvent event(JobRecord record, AttemptReport.Exited exited) throws IOException {
        LocalProcessRunner.Result result = exited.result();
        Descriptor descriptor = admission.algorithm(record.algorithm()).orElseThrow().descriptor();
        JobEvent.Ending ending = result.timedOut() ? new JobEvent.TimedOut(descriptor.timeoutSeconds(), result.stderrTail())
                : result.exitCode() == 0 ? new JobEvent.Succeeded()
                : new JobEvent.ExitCode(result.exitCode(), null, result.stderrTail());
        JobEvent.AttemptEnded event = JobEvent.AttemptEnded.of(exited.attempt(), ending);
        Transition preview = JobLifecycle.apply(record, event, clock.instant());
        if (!preview.changed() || !preview.after().state().terminal()) {
            return event;
        }
        Path output = outputs.outputDir(record);
        List<String> files = outputs.keep(record);
        event = event.withOutput(new JobEvent.Output(output.toString(), files, LocalOutputs.checksums(output, files)));
        return preview.after().state() == JobState.SUCCEEDED ? event.withChildren(chain(record, descriptor, output)) : event;
    }

    /**
     * Each output file becomes an input of every algorithm this one leads to, where it lies; a pipeline job's, of
     * every step its step feeds per output (its descriptor's {@code then} aside: the pipeline says what follows).
     */
    private List<JobRecord> chain(JobRecord parent, Descriptor descriptor, Path output) throws IOException {
        if (parent.pipeline() != null) {
            return pipelineChildren(parent, output);
        }
        if (descriptor.then().isEmpty()) {
            return List.of();
        }
        List<Path> produced = produced(output);
        List<JobRecord> children = new ArrayList<>();
        for (String next : descriptor.then()) {
            for (Path file : produced) {
                Optional<LocalAdmission.Admitted> child = admission.admit(file, next, outputs.belowOutputs(file),
                        parent.id());
                child.filter(a -> a.earlier() == null)
                        .ifPresent(a -> children.add(JobLifecycle.admit(a.job(), a.events(), clock.instant()).after()));
            }
        }
        return children;
    }

    private List<JobRecord> pipelineChildren(JobRecord parent, Path output) throws IOException {
        Optional<Pipeline> pipeline = admission.pipeline(parent.pipeline().pipeline());
        if (pipeline.isEmpty()) {
            LOG.warn("outcome=no-next-steps job={} pipeline={} reason=\"no valid pipeline of that name now\"",
                    parent.id(), parent.pipeline().pipeline());
            return List.of();
        }
        Path batch = outputs.batchOutputs(parent.pipeline());
        List<JobRecord> children = new ArrayList<>();
        for (LocalAdmission.Admitted child : admission.admitOutputs(pipeline.get(), parent, produced(output),
                file -> batch.relativize(file).toString())) {
            if (child.earlier() == null) {
                children.add(JobLifecycle.admit(child.job(), child.events(), clock.instant()).after());
            }
        }
        return children;
    }

    private static List<Path> produced(Path output) throws IOException {
        try (Stream<Path> walk = Files.walk(output)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
