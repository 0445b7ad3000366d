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
 * driver unpacked ({@link Members}); a driver that unpacks none refuses them. A step fanning out over a listed
 * prefix ({@link FanOut.ListedPrefix}) makes one job per object its input, a listing ({@link ListingLines}), names
 * below the batch's own folder, as the driver finds them ({@link Listings}); a driver that lists none refuses them.
 * Either makes at most {@link #MAX_MEMBERS} jobs of one input.
 *
 * <p>A job that may not run is still made, with the reason it is refused (its driver records it FAILED), so
 * nothing is dropped silently: an unknown algorithm, an archive that cannot be unpacked or holds no member, a
 * listing refused (a line, its size) or naming no object, a fan-out where its driver does not run it, a fan-out
 * over no parameter set.
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

    /**
     * The objects below a batch's own folder ({@code inbox/<pipeline>/<batch>/} locally, {@code inputs/<pipeline>/<batch>/}
     * of the input bucket), which a listing's lines name; found by the driver, never outside that folder.
     */
    public interface Listings {
        /**
         * A listing's bytes, at most {@code max} + 1 of them (then it is too large).
         *
         * @throws UnpackException saying why it cannot be read
         */
        byte[] read(NewJob.JobInput listing, int max) throws UnpackException;

        /**
         * The objects below the batch's folder whose path below it is {@code path} or, when {@code path} ends with
         * {@code /}, starts with it (at any depth), in order, at most {@code max} + 1; each with its version (its
         * SHA-256 locally, {@link #batchFileVersion its ETag} on S3).
         */
        List<Listed> under(PipelinePlace place, String path, int max) throws UnpackException;

        /** A driver that lists no prefix: the jobs of a step fanning out over one are refused. */
        Listings NONE = new Listings() {
            @Override
            public byte[] read(NewJob.JobInput listing, int max) throws UnpackException {
                throw new UnpackException("it fans out over a listed prefix, which this version does not run here yet");
            }

            @Override
            public List<Listed> under(PipelinePlace place, String path, int max) throws UnpackException {
                throw new UnpackException("it fans out over a listed prefix, which this version does not run here yet");
            }
        };
    }

    /** An object a listing names: its path below the batch's folder, itself as an input, its size in bytes. */
    public record Listed(String path, NewJob.JobInput input, long size) {
        public Listed {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(input, "input");
        }
    }

    /** How many jobs one input of a step fanning out over members (an archive's, a listing's) may become. */
    public static final int MAX_MEMBERS = 10_000;

    /**
     * Whether the pipeline has a step fanning out over a listed prefix: then a batch's subfolders hold the objects its
     * listings name, run only as they are listed, and no file of a subfolder is a member of the batch by itself.
     */
    public static boolean lists(Pipeline pipeline) {
        return pipeline.steps().stream().anyMatch(step -> step.fanOut() instanceof FanOut.ListedPrefix);
    }

    /** Why a fan-out's members cannot be found (an archive unpacked, a listing's objects listed): said for its sender. */
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
        return of(pipeline, step, batch, input, parent, algorithms, Members.NONE, Listings.NONE);
    }

    /**
     * The jobs of one input of a step, as {@link #of(Pipeline, Step, String, NewJob.JobInput, String, Algorithms)},
     * with {@code members} unpacking an archive for a step that fans out over its members.
     */
    public static List<Made> of(Pipeline pipeline, Step step, String batch, NewJob.JobInput input, String parent,
                                Algorithms algorithms, Members members) {
        return of(pipeline, step, batch, input, parent, algorithms, members, Listings.NONE);
    }

    /**
     * The jobs of one input of a step, with {@code members} unpacking an archive and {@code listings} finding the
     * objects a listing names, for a step fanning out over them.
     */
    public static List<Made> of(Pipeline pipeline, Step step, String batch, NewJob.JobInput input, String parent,
                                Algorithms algorithms, Members members, Listings listings) {
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
            case FanOut.ListedPrefix listed -> made.addAll(listed(pipeline, step, base.withPlace(place), unknown,
                    listings));
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
        return next(pipeline, parentId, parentPlace, outputs, algorithms, members, Listings.NONE);
    }

    /** The jobs a succeeded job leads to, with the drivers' {@code members} and {@code listings} for fan-outs. */
    public static List<Made> next(Pipeline pipeline, String parentId, PipelinePlace parentPlace,
                                  List<NewJob.JobInput> outputs, Algorithms algorithms, Members members,
                                  Listings listings) {
        Objects.requireNonNull(parentId, "parentId");
        List<Made> made = new ArrayList<>();
        for (Step step : pipeline.after(parentPlace.step())) {
            if (step.input() instanceof StepInput.OutputsOf) {
                for (NewJob.JobInput output : outputs) {
                    made.addAll(of(pipeline, step, parentPlace.batch(), output, parentId, algorithms, members,
                            listings));
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

    /**
     * One job per object the listing {@code listingJob} takes names ({@link ListingLines}), each at its own version,
     * so a rerun or a redelivery makes the same ids; an object two lines name is one job. The listing's own job,
     * refused, when a line is refused, names no object, or the objects are more than {@link #MAX_MEMBERS}.
     */
    private static List<Made> listed(Pipeline pipeline, Step step, NewJob listingJob, String unknown,
                                     Listings listings) {
        if (unknown != null) {
            return List.of(made(pipeline, step, listingJob, unknown));
        }
        Map<String, Listed> objects = new LinkedHashMap<>();
        try {
            for (ListingLines.Line line : ListingLines.parse(listings.read(listingJob.input(), ListingLines.MAX_BYTES))) {
                List<Listed> found = listings.under(listingJob.place(), line.path(), MAX_MEMBERS).stream()
                        .filter(object -> line.names(object.path()) && !object.path().endsWith("/"))
                        .filter(object -> !object.input().location().equals(listingJob.input().location()))
                        .toList();
                if (found.isEmpty()) {
                    throw new UnpackException("line " + line.number() + " of the listing names no object: '"
                            + line.path() + "'" + (line.prefix() ? " has nothing below it" : " does not exist"));
                }
                found.forEach(object -> objects.putIfAbsent(object.path(), object));
                if (objects.size() > MAX_MEMBERS) {
                    throw new UnpackException("the listing names more than " + MAX_MEMBERS + " objects");
                }
            }
        } catch (UnpackException e) {
            return List.of(made(pipeline, step, listingJob, e.getMessage()));
        }
        return objects.values().stream().map(object -> new Made(new NewJob(object.input(), listingJob.algorithm(),
                listingJob.parent(), null, listingJob.place()), null)).toList();
    }

    private static Made made(Pipeline pipeline, Step step, NewJob job, String refused) {
        return new Made(job, refused == null ? null : "pipeline " + pipeline.name() + ", step " + step.name() + ": "
                + refused);
    }
}
