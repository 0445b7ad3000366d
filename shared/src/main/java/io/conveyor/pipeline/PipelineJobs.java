package io.conveyor.pipeline;

import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a pipeline step's jobs are made, whoever makes them (the local mode, dispatch, task-events):
 * one input of a step becomes one job ({@link FanOut.None}) or one per parameter set ({@link FanOut.ParameterSets}),
 * each at its {@link PipelinePlace} (pipeline, revision, batch, step, parameter values), which is part of its id.
 * A pure function: no I/O; the caller says which algorithms exist.
 *
 * <p>A step fanning out over archive members ({@link FanOut.ArchiveMembers}) makes one job per member its
 * driver unpacked ({@link Members}); a driver that unpacks none refuses them.
 *
 * <p>A job that may not run is still made, with the reason it is refused (its driver records it FAILED), so
 * nothing is dropped silently: an unknown algorithm, an archive that cannot be unpacked or holds no member, a
 * fan-out this version does not run ({@link FanOut.ListedPrefix}, archive members where no driver unpacks them), a
 * fan-out over no parameter set.
 */
public final class PipelineJobs {

    /** A job to create, and why it may not run ({@code null} when it may). */
    public record Made(NewJob job, String rejection) {
        public Made {
            Objects.requireNonNull(job, "job");
        }
    }

    /** The algorithms a step may name: the revision (with its attempts) of the one of that name, or empty when unknown. */
    @FunctionalInterface
    public interface Algorithms {
        Optional<NewJob.AlgorithmRevision> revision(String name);
    }

    /** The members of an archive, unpacked by the driver where its steps' jobs can read them. */
    @FunctionalInterface
    public interface Members {
        /**
         * Each member of the archive as an input of its own, in order.
         *
         * @param place where the jobs of its members stand (pipeline, batch, step)
         * @throws UnpackException saying why it cannot be unpacked (naming the member where one is at fault)
         */
        List<NewJob.JobInput> of(PipelinePlace place, NewJob.JobInput archive) throws UnpackException;

        /** A driver that unpacks no archive: the jobs of a step fanning out over members are refused. */
        Members NONE = (place, archive) -> {
            throw new UnpackException("it fans out over archive members, which this version does not run here yet");
        };
    }

    /** Why an archive cannot be unpacked: the message says it for the person who sent it. */
    public static final class UnpackException extends Exception {
        public UnpackException(String message) {
            super(message);
        }
    }

    /** What an unknown algorithm's job records as its revision. */
    public static final String UNKNOWN_REVISION = "unknown";

    /**
     * A batch file's version in the output bucket's world: its ETag, always. A notification may name a version id (S3's
     * do, moto's not) where a folder's listing names none, and a file both notified and listed must be one version, or
     * its batch would take it for a newer one and run it twice. Written again with other content, it has another ETag.
     */
    public static String batchFileVersion(String eTag) {
        return "etag:" + eTag;
    }

    /** The entity tag a batch file's version names ({@link #batchFileVersion}), or empty for a version of another kind. */
    public static java.util.Optional<String> batchFileETag(String version) {
        return version.startsWith("etag:") ? java.util.Optional.of(version.substring("etag:".length()))
                : java.util.Optional.empty();
    }

    private PipelineJobs() {
    }

    /**
     * The jobs of one input of a step: its batch's file (a first step) or an upstream job's output file.
     *
     * @param parent the job whose output {@code input} is, or {@code null} for a batch's own file
     * @throws IllegalArgumentException when the step gathers (its job is made once per batch, not per input) or
     *                                  is not one of the pipeline's
     */
    public static List<Made> of(Pipeline pipeline, Step step, String batch, NewJob.JobInput input, String parent,
                                Algorithms algorithms) {
        return of(pipeline, step, batch, input, parent, algorithms, Members.NONE);
    }

    /**
     * The jobs of one input of a step, as {@link #of(Pipeline, Step, String, NewJob.JobInput, String, Algorithms)},
     * with {@code members} unpacking an archive for a step that fans out over its members.
     */
    public static List<Made> of(Pipeline pipeline, Step step, String batch, NewJob.JobInput input, String parent,
                                Algorithms algorithms, Members members) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(input, "input");
        if (pipeline.step(step.name()).filter(step::equals).isEmpty()) {
            throw new IllegalArgumentException("step '" + step.name() + "' is not a step of pipeline " + pipeline.name());
        }
        if (step.gathers()) {
            throw new IllegalArgumentException("step '" + step.name() + "' of pipeline " + pipeline.name()
                    + " gathers: its job is made once per batch, not per input");
        }
        Optional<NewJob.AlgorithmRevision> known = algorithms.revision(step.algorithm());
        NewJob.AlgorithmRevision algorithm = known.orElseGet(
                () -> new NewJob.AlgorithmRevision(step.algorithm(), UNKNOWN_REVISION, 1));
        String unknown = known.isPresent() ? null : "unknown algorithm '" + step.algorithm() + "'";
        PipelinePlace place = new PipelinePlace(pipeline.name(), pipeline.revision(), batch, step.name(), step.parameters());
        NewJob base = NewJob.of(input, algorithm).withParent(parent);
        List<Made> made = new ArrayList<>();
        switch (step.fanOut()) {
            case FanOut.None none -> made.add(made(pipeline, step, base.withPlace(place), unknown));
            case FanOut.ParameterSets sets when sets.sets().isEmpty() -> made.add(made(pipeline, step,
                    base.withPlace(place), "it fans out over parameter sets, but lists none"));
            case FanOut.ParameterSets sets -> {
                Map<String, Made> byId = new LinkedHashMap<>();
                for (Map<String, String> set : sets.sets()) {
                    Map<String, String> values = new LinkedHashMap<>(step.parameters());
                    values.putAll(set);
                    NewJob job = base.withPlace(place.withParameters(values));
                    // Two equal sets are one job (one id), made once.
                    byId.putIfAbsent(job.id(), made(pipeline, step, job, unknown));
                }
                made.addAll(byId.values());
            }
            case FanOut.ArchiveMembers archive -> made.addAll(members(pipeline, step, base.withPlace(place), unknown,
                    members));
            case FanOut.ListedPrefix listed -> made.add(made(pipeline, step, base.withPlace(place),
                    "it fans out over a listed prefix, which this version does not run yet"));
        }
        return List.copyOf(made);
    }

    /**
     * The jobs a succeeded job of a pipeline leads to: each of its output files becomes the jobs of every step
     * fed by its step per output ({@link StepInput.OutputsOf}). Steps that gather ({@link StepInput.GatherOf}) are
     * not made here: they run once per batch when it is complete.
     *
     * @param parentId    the succeeded job
     * @param parentPlace its place (its batch and step)
     * @param outputs     its output files, in order
     */
    public static List<Made> next(Pipeline pipeline, String parentId, PipelinePlace parentPlace,
                                  List<NewJob.JobInput> outputs, Algorithms algorithms) {
        return next(pipeline, parentId, parentPlace, outputs, algorithms, Members.NONE);
    }

    /** The jobs a succeeded job leads to, with {@code members} unpacking archives for steps fanning out over them. */
    public static List<Made> next(Pipeline pipeline, String parentId, PipelinePlace parentPlace,
                                  List<NewJob.JobInput> outputs, Algorithms algorithms, Members members) {
        Objects.requireNonNull(parentId, "parentId");
        List<Made> made = new ArrayList<>();
        for (Step step : pipeline.after(parentPlace.step())) {
            if (step.input() instanceof StepInput.OutputsOf) {
                for (NewJob.JobInput output : outputs) {
                    made.addAll(of(pipeline, step, parentPlace.batch(), output, parentId, algorithms, members));
                }
            }
        }
        return List.copyOf(made);
    }

    /**
     * One job per member of the archive {@code archiveJob} takes; the archive's own job, refused, when it cannot
     * be unpacked or holds no member. A member's job has the archive job's parent and place.
     */
    private static List<Made> members(Pipeline pipeline, Step step, NewJob archiveJob, String unknown, Members members) {
        if (unknown != null) {
            return List.of(made(pipeline, step, archiveJob, unknown));
        }
        List<NewJob.JobInput> unpacked;
        try {
            unpacked = members.of(archiveJob.place(), archiveJob.input());
        } catch (UnpackException e) {
            return List.of(made(pipeline, step, archiveJob, e.getMessage()));
        }
        if (unpacked.isEmpty()) {
            return List.of(made(pipeline, step, archiveJob, "the archive holds no member"));
        }
        return unpacked.stream().map(member -> new Made(new NewJob(member, archiveJob.algorithm(), archiveJob.parent(),
                null, archiveJob.place()), null)).toList();
    }

    private static Made made(Pipeline pipeline, Step step, NewJob job, String refused) {
        return new Made(job, refused == null ? null : "pipeline " + pipeline.name() + ", step " + step.name() + ": "
                + refused);
    }
}
