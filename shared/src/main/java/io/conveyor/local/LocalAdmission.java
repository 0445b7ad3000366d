package io.conveyor.local;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.dispatch.InputRules;
import io.conveyor.jobs.JobEvent;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.JobState;
import io.conveyor.jobs.NewJob;
import io.conveyor.jobs.PipelinePlace;
import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.PipelineCatalog;
import io.conveyor.pipeline.PipelineJobs;
import io.conveyor.pipeline.Step;
import io.conveyor.storage.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which local inputs become which jobs, by the same rules as dispatch: the algorithm's input filter,
 * its required parameters, and whether this machine could ever give it what it needs. A file is
 * processed once per algorithm: its job id comes from its content, and a file an algorithm had
 * already (under an earlier revision too) is not run again.
 *
 * <p>A file of a pipeline's batch ({@code inbox/<pipeline>/<batch>/<file>}) becomes the jobs of the pipeline's
 * first steps, made by {@link PipelineJobs}; a succeeded pipeline job's outputs, those of the steps it feeds. A
 * pipeline job is processed once per (file content, algorithm, pipeline, batch, step, parameter values).
 */
final class LocalAdmission {

    /** A valid descriptor and its revision. */
    record Algorithm(Descriptor descriptor, String revision) {
    }

    /**
     * A job to create: rejected when {@code rejection} says why; {@code earlier} when an earlier run
     * made it already (its record says how it went).
     */
    record Admitted(NewJob job, String rejection, String earlier) {

        Admitted(NewJob job, String rejection) {
            this(job, rejection, null);
        }

        /** The events that make its record. */
        List<JobEvent> events() {
            return rejection == null ? List.of() : List.of(new JobEvent.Rejected(rejection));
        }
    }

    private final LocalSettings settings;
    private Map<String, Algorithm> algorithms;
    private final LocalCapacity capacity;
    private final PipelineCatalog pipelines;
    private final ArchiveUnpacker archives;
    private final InboxListings listings;
    /** The digests of inbox files, remembered from run to run. */
    private final InputDigests digests;
    /**
     * What a job was made for, its revisions aside (a changed definition does not run a file again): the input's path
     * and version, the algorithm (the pipeline's name, for the scanner's question about a pipeline's folder) and, in a
     * pipeline, its place. Held as the strings the records and the scan already hold, not joined into a new one: a
     * rerun keeps one for each of tens of thousands of jobs.
     */
    private record Key(String input, String version, String algorithm, String pipeline, String batch, String step,
                       Map<String, String> parameters) {

        // Written out: a record's own equals and hashCode go through method handles, which the local mode's first-tier
        // compiler leaves slow (a rerun asks this map once per inbox file).
        @Override
        public boolean equals(Object other) {
            return other instanceof Key that && input.equals(that.input) && version.equals(that.version)
                    && algorithm.equals(that.algorithm) && java.util.Objects.equals(pipeline, that.pipeline)
                    && java.util.Objects.equals(batch, that.batch) && java.util.Objects.equals(step, that.step)
                    && java.util.Objects.equals(parameters, that.parameters);
        }

        @Override
        public int hashCode() {
            int hash = (input.hashCode() * 31 + version.hashCode()) * 31 + algorithm.hashCode();
            return pipeline == null ? hash : hash * 31 + java.util.Objects.hash(pipeline, batch, step, parameters);
        }
    }

    /** The job of every key that ran, whatever the revision: files are processed once. */
    private final Map<Key, String> processed = new HashMap<>();
    /** The inputs of those jobs. */
    private final java.util.Set<String> ranBefore = new java.util.HashSet<>();
    /** Versions {@link #ranBefore} read, for the admission that follows at once. */
    private final Map<Path, String> versions = new HashMap<>();

    LocalAdmission(LocalSettings settings, Map<String, Algorithm> algorithms, LocalCapacity capacity) {
        this(settings, algorithms, capacity, name -> Optional.empty());
    }

    LocalAdmission(LocalSettings settings, Map<String, Algorithm> algorithms, LocalCapacity capacity,
                   PipelineCatalog pipelines) {
        this.settings = settings;
        this.algorithms = Map.copyOf(algorithms);
        this.capacity = capacity;
        this.pipelines = pipelines;
        this.archives = new ArchiveUnpacker(settings);
        this.listings = new InboxListings(settings);
        this.digests = new InputDigests(settings.outbox());
    }

    /** Writes down the digests of the inbox files looked at, for the next run. */
    void saveDigests() {
        digests.save();
    }

    /** The pipeline of that name, as the catalog defines it now. */
    Optional<Pipeline> pipeline(String name) {
        return pipelines.pipeline(name);
    }

    /** The descriptors as the algorithms folder holds them now: inputs taken from now on use these. */
    void update(Map<String, Algorithm> now) {
        this.algorithms = Map.copyOf(now);
    }

    Optional<Algorithm> algorithm(String name) {
        return Optional.ofNullable(algorithms.get(name));
    }

    /** Notes a record an earlier run left: a file it ran is not run again. */
    void remember(String input, String inputVersion, String algorithm, String id, JobState state, int attempt) {
        remember(input, inputVersion, algorithm, null, id, state, attempt);
    }

    /** Notes a record an earlier run left, at its place in a pipeline ({@code null} outside pipelines). */
    void remember(String input, String inputVersion, String algorithm, PipelinePlace place, String id, JobState state,
                  int attempt) {
        if ((state == JobState.SUCCEEDED || state == JobState.FAILED) && attempt > 0) {
            processed.put(key(input, inputVersion, algorithm, place), id);
            if (place != null) {
                // The scanner asks by the inbox folder's name: the pipeline's.
                processed.putIfAbsent(key(input, inputVersion, place.pipeline()), id);
            }
            ranBefore.add(input);
        }
    }

    /**
     * Whether an earlier run ran this file, as it is now, for this algorithm: such a file need not wait
     * for the stability window (nothing is taken from it, and a change afterwards is new input).
     */
    boolean ranBefore(Path input, String algorithmName) {
        if (!ranBefore.contains(input.toString())) {
            return false;
        }
        try {
            String version = "sha256:" + digests.sha256(input);
            if (!processed.containsKey(key(input.toString(), version, algorithmName))) {
                return false;
            }
            versions.put(input, version);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The job of one input for one algorithm; {@link Admitted#earlier()} names the job that had this
     * content of the file for this algorithm already (under an earlier revision too), which is not run again.
     */
    Optional<Admitted> admit(Path input, String algorithmName, String rest, String parent) throws IOException {
        return admit(input, algorithmName, rest, parent, -1, null);
    }

    /**
     * As {@link #admit(Path, String, String, String)}, with the file's size as the inbox's scan saw it ({@code -1}:
     * not) and the state its remembered digest is found by ({@code null}: as it is now).
     */
    Optional<Admitted> admit(Path input, String algorithmName, String rest, String parent, long seenSize,
                             InputDigests.Entry seen) throws IOException {
        Algorithm algorithm = algorithms.get(algorithmName);
        long size = algorithm == null ? -1 : seenSize >= 0 ? seenSize : Files.size(input);
        String filtered = algorithm == null ? null : InputRules.filterRejection(algorithm.descriptor(),
                fileName(input), rest, size).orElse(null);
        // An input its algorithm's filter refuses is not read at all (it may be huge): its name and
        // size are all the filter looked at, so they are its version (a touch makes no new job).
        String hashed = versions.remove(input);
        String version = filtered != null ? "size=" + size : hashed != null ? hashed
                : "sha256:" + digests.sha256(input, seen);
        NewJob job = NewJob.of(new NewJob.JobInput(input.toString(), version), new NewJob.AlgorithmRevision(algorithmName,
                algorithm == null ? "unknown" : algorithm.revision(),
                algorithm == null ? 1 : 1 + algorithm.descriptor().retries())).withParent(parent);
        Key key = key(input.toString(), version, algorithmName);
        String earlier = processed.get(key);
        if (earlier != null) {
            // Done before: how it would be taken now does not matter (nor cost a look at its sidecar, nor working out
            // the new job's id, a digest of its parts).
            return Optional.of(new Admitted(job, null, earlier));
        }
        processed.put(key, job.id());
        String rejection = algorithm == null
                ? "unknown algorithm '" + algorithmName + "': no valid descriptor of that name in " + settings.algorithms()
                : filtered != null ? filtered : rejection(algorithm.descriptor(), input);
        return Optional.of(new Admitted(job, rejection, null));
    }

    /** A path's last name, cut from its text (which a path keeps once made): no path made for it, no names parsed. */
    private static String fileName(Path path) {
        String text = path.toString();
        return text.substring(text.lastIndexOf(path.getFileSystem().getSeparator()) + 1);
    }

    /** Why a job left by an earlier run may not run now (its algorithm changed or is gone), or {@code null}. */
    String stillRuns(JobRecord record) {
        Algorithm algorithm = algorithms.get(record.algorithm());
        return algorithm == null || !algorithm.revision().equals(record.revision())
                ? "its algorithm changed or is gone since it was queued" : null;
    }

    private static Key key(String input, String version, String algorithm) {
        return new Key(input, version, algorithm, null, null, null, null);
    }

    /** The key of a job at a place ({@code null}: outside pipelines). */
    private static Key key(String input, String version, String algorithm, PipelinePlace place) {
        return place == null ? key(input, version, algorithm) : new Key(input, version, algorithm, place.pipeline(),
                place.batch(), place.step(), place.parameters());
    }

    // ------------------------------------------------------------------ pipelines

    /**
     * What an inbox file becomes: its jobs (none for a batch's manifest or marker), or why it is no input; for a
     * file of a batch's folder, which batch and what it is there.
     */
    record Arrival(List<Admitted> jobs, String refused, InBatch batch) {
        Arrival(List<Admitted> jobs, String refused) {
            this(jobs, refused, null);
        }
    }

    /**
     * The jobs of an inbox file below {@code inbox/<folder>/}: where the folder names a pipeline, those of a
     * batch's file for the pipeline's first steps (a file directly under the pipeline's folder is refused; a
     * batch's {@code _manifest.json} and {@code _COMPLETE} are no inputs of a step); else the job of the
     * algorithm of that name ({@link #admit}), judged by what the inbox's scan saw of the file (its size, its state).
     */
    Arrival arrive(InboxScanner.Ready ready) throws IOException {
        Path file = ready.file();
        String folder = ready.algorithm();
        String rest = ready.rest();
        Optional<Pipeline> pipeline = pipelines.pipeline(folder);
        if (pipeline.isEmpty()) {
            return new Arrival(admit(file, folder, rest, null, ready.size(), ready.seen()).map(List::of)
                    .orElse(List.of()), null);
        }
        Path below = Path.of(rest);
        if (below.getNameCount() < 2) {
            return new Arrival(List.of(), "directly under the folder of pipeline " + folder + ": its inputs go in a"
                    + " batch folder, " + file.getParent().resolve("<batch>").resolve(file.getFileName()));
        }
        String inBatch = below.subpath(1, below.getNameCount()).toString();
        InBatch batch = new InBatch(pipeline.get(), below.getName(0).toString(), inBatch, file);
        if (below.getNameCount() == 2 && batch.control()) {
            return new Arrival(List.of(), null, batch);
        }
        if (batch.nested() && PipelineJobs.lists(pipeline.get())) {
            // What its listings name: run only as they name it (PipelineJobs.lists), never by itself.
            return new Arrival(List.of(), null);
        }
        return new Arrival(admitBatchFile(file, pipeline.get(), batch.batch(), inBatch), null, batch);
    }

    /**
     * The jobs of a batch's file ({@code inbox/<pipeline>/<batch>/<rest>}): one or more per first step of the
     * pipeline, each rejected with its reason where it may not run, or naming the job that ran it before.
     */
    List<Admitted> admitBatchFile(Path input, Pipeline pipeline, String batch, String rest) throws IOException {
        String hashed = versions.remove(input);
        NewJob.JobInput file = new NewJob.JobInput(input.toString(), hashed != null ? hashed
                : "sha256:" + digests.sha256(input));
        List<Admitted> admitted = new ArrayList<>();
        for (Step step : pipeline.firstSteps()) {
            for (PipelineJobs.Made made : PipelineJobs.of(pipeline, step, batch, file, null, this::revision,
                    archives, listings)) {
                Path taken = Path.of(made.job().input().location());
                // An archive's member lies below the batch's outputs; the file itself, a listed one below its folder.
                admitted.add(admitMade(made, taken, taken.equals(input) ? rest : belowBatch(made.job(), taken)));
            }
        }
        return admitted;
    }

    /**
     * The jobs a succeeded pipeline job's output files lead to (the steps fed by its step per output).
     *
     * @param below where each file lies below its batch's output folder (what an input filter's glob is matched on)
     */
    List<Admitted> admitOutputs(Pipeline pipeline, JobRecord parent, List<Path> files,
                                java.util.function.Function<Path, String> below) throws IOException {
        List<NewJob.JobInput> inputs = new ArrayList<>();
        for (Path file : files) {
            inputs.add(new NewJob.JobInput(file.toString(), "sha256:" + Digests.sha256(file)));
        }
        List<Admitted> admitted = new ArrayList<>();
        for (PipelineJobs.Made made : PipelineJobs.next(pipeline, parent.id(), parent.pipeline(), inputs,
                this::revision, archives, listings)) {
            Path file = Path.of(made.job().input().location());
            admitted.add(admitMade(made, file, inputs.contains(made.job().input()) ? below.apply(file)
                    : belowBatch(made.job(), file)));
        }
        return admitted;
    }

    /** The settings it admits by. */
    LocalSettings settings() {
        return settings;
    }

    /** Where a member (an archive's, unpacked below the batch's outputs; a listed object) lies below its batch. */
    private String belowBatch(NewJob job, Path file) {
        Path batch = settings.outputs().resolve(job.place().pipeline()).resolve(job.place().batch());
        Path inbox = settings.inbox().resolve(job.place().pipeline()).resolve(job.place().batch());
        return file.startsWith(batch) ? batch.relativize(file).toString() : file.startsWith(inbox)
                ? inbox.relativize(file).toString() : file.getFileName().toString();
    }

    /** An algorithm's current revision, with its attempts, or empty when no valid descriptor has that name. */
    Optional<NewJob.AlgorithmRevision> revision(String name) {
        return Optional.ofNullable(algorithms.get(name)).map(a -> new NewJob.AlgorithmRevision(name, a.revision(),
                1 + a.descriptor().retries()));
    }

    /** A job {@link PipelineJobs} made: done before, refused (saying pipeline, step and file), or to run. */
    private Admitted admitMade(PipelineJobs.Made made, Path input, String rest) throws IOException {
        NewJob job = made.job();
        PipelinePlace place = job.place();
        String earlier = processed.putIfAbsent(key(job.input().location(), job.input().version(),
                job.algorithm().name(), place), job.id());
        if (earlier != null) {
            return new Admitted(job, null, earlier);
        }
        if (made.rejection() != null) {
            Algorithm known = algorithms.get(job.algorithm().name());
            return new Admitted(job, made.rejection() + (known == null ? ": no valid descriptor of that name in "
                    + settings.algorithms() : "") + " (file " + rest + ")");
        }
        Descriptor descriptor = algorithms.get(job.algorithm().name()).descriptor();
        String refused = InputRules.filterRejection(descriptor, input.getFileName().toString(), rest, Files.size(input))
                .orElseGet(() -> placeRejection(descriptor, place));
        if (refused == null) {
            refused = rejection(descriptor, input, place);
        }
        return new Admitted(job, refused == null ? null : "pipeline " + place.pipeline() + ", step " + place.step()
                + ", file " + rest + ": " + refused);
    }

    /** Why the step's parameter values cannot be given to its algorithm (a name it does not declare), or {@code null}. */
    private static String placeRejection(Descriptor descriptor, PipelinePlace place) {
        for (String name : place.parameters().keySet()) {
            try {
                LocalParameters.checkName(name);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            if (descriptor.parameters().stream().noneMatch(p -> p.name().equalsIgnoreCase(name))) {
                return "the step gives parameter '" + name + "', which " + descriptor.name() + " does not declare";
            }
        }
        return null;
    }

    /** Why the algorithm does not take this input (past its filter), or {@code null}. */
    private String rejection(Descriptor descriptor, Path input) {
        return rejection(descriptor, input, null);
    }

    /** Why the algorithm does not take this input at this place (past its filter), or {@code null}. */
    private String rejection(Descriptor descriptor, Path input, PipelinePlace place) {
        try {
            InputRules.parameterValues(descriptor, LocalParameters.of(settings, input, place));
        } catch (InputRules.MissingParameterException e) {
            return e.getMessage() + ": give it with --param NAME=VALUE or in " + LocalParameters.sidecar(input);
        } catch (LocalParameters.BadSidecarException e) {
            return e.getMessage();
        }
        if (!capacity.couldFit(descriptor.resources())) {
            return "needs " + descriptor.resources().vcpu() + " vCPU and " + descriptor.resources().taskMemoryMiB()
                    + " MiB" + (descriptor.resources().gpu() > 0 ? " and a GPU" : "") + "; this machine offers " + capacity
                    + " (--cpus, --memory)";
        }
        return null;
    }
}
