package io.conveyor.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything known about one job: what it runs on, where it stands, what each attempt did.
 *
 * <p>Records change only through {@link JobLifecycle}; they are built with {@link #toBuilder()} (the
 * canonical constructor is for Jackson, which reads records stored under these very field names).
 *
 * @param id            the job's id ({@link JobId})
 * @param algorithm     the algorithm's name
 * @param revision      the algorithm's revision
 * @param input         where the input lies
 * @param inputVersion  the input's version (id, eTag or content hash)
 * @param parent        the job whose output this input is, or {@code null}
 * @param state         where the job stands
 * @param attempt       the current (or last) attempt, from 1; 0 before the first
 * @param maxAttempts   how many attempts count before the job fails (1 + the descriptor's retries)
 * @param exitCode      the algorithm's exit code of the last finished attempt, or {@code null}
 * @param reason        why it failed, waits or was rejected, or {@code null}
 * @param stderrTail    the end of the last failed attempt's standard error (local mode), or {@code null}
 * @param output        where its output lies, or {@code null}
 * @param pid           the process running it (local mode), or {@code null}
 * @param processStart  when that process started (tells it from a later one with the same pid)
 * @param queuedAt      when it was created (ISO-8601)
 * @param startedAt     when the last attempt started, or {@code null}
 * @param endedAt       when it ended, or {@code null}
 * @param outputs       the files it produced (relative to {@code output})
 * @param waitingSince  when it began waiting for capacity (ISO-8601), or {@code null}
 * @param placedOn      the container instance its current attempt was placed on (ECS), or {@code null}
 * @param tasks         the ECS task of each attempt that got one, oldest first (AWS)
 * @param interruptions how often an attempt was lost with its instance (not counted against retries)
 * @param children      the jobs its outputs became (a chain's next step), or empty
 * @param outputChecksums each output file (as in {@code outputs}) → its checksum: {@code sha256:<hex>} locally,
 *                      {@code etag:<S3's ETag>} on AWS (the MD5 of the content for a single-part upload, an MD5 of
 *                      the parts' MD5s with {@code -<parts>} for a multipart one); empty in records made before
 * @param writes        how often this record was written through the index ({@link IndexedJobStore}): a summary
 *                      of a lower count is older news; 0 in records made before
 * @param pinnedTaskDefinition the task definition its next attempts start on instead of the algorithm's registered
 *                      one ({@code retry --same-image}: a revision naming the image by the digest an earlier attempt
 *                      ran), or {@code null}
 * @param waitingSeenAt when dispatch last wrote that the job still waits for capacity ({@link JobLifecycle#WAITING_SEEN_EVERY}
 *                      at most apart while its message goes round), or {@code null}: a job waiting whose record says
 *                      nothing for long has lost its message, and the reconciler sends it again
 * @param placements    where each attempt placed on an EC2 instance ran and its share of it (for its cost), oldest
 *                      first; empty locally and in records made before
 * @param pipeline      where it stands in a pipeline run (pipeline, batch, step, parameter values), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(String id, String algorithm, String revision, String input, String inputVersion, String parent,
                        JobState state, int attempt, int maxAttempts, Integer exitCode, String reason,
                        String stderrTail, String output, Long pid, String processStart, String queuedAt,
                        String startedAt, String endedAt, List<String> outputs, String waitingSince,
                        String placedOn, List<TaskRun> tasks, int interruptions, List<String> children,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> outputChecksums,
                        @JsonInclude(JsonInclude.Include.NON_DEFAULT) long writes, String pinnedTaskDefinition,
                        String waitingSeenAt,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<AttemptPlacement> placements,
                        PipelinePlace pipeline) {

    public JobRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(state, "state");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        children = children == null ? List.of() : List.copyOf(children);
        placements = placements == null ? List.of() : List.copyOf(placements);
        outputChecksums = outputChecksums == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(outputChecksums));
    }

    /** A builder holding every field of this record, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The task of an attempt, when ECS reported one. */
    public Optional<TaskRun> task(int ofAttempt) {
        return tasks.stream().filter(run -> run.attempt() == ofAttempt).findFirst();
    }

    /** The attempts that count against the retries: those not lost with their instance. */
    public int countedAttempts() {
        return attempt - interruptions;
    }

    /** Whether another attempt is allowed after this one. */
    public boolean mayRetry() {
        return countedAttempts() < maxAttempts;
    }

    /**
     * Every field of a record, by name. Package-private to build: only {@link JobLifecycle} (and
     * {@link NewJob}) make records, so each field is set by one rule.
     */
    public static final class Builder {
        private String id;
        private String algorithm;
        private String revision;
        private String input;
        private String inputVersion;
        private String parent;
        private JobState state;
        private int attempt;
        private int maxAttempts;
        private Integer exitCode;
        private String reason;
        private String stderrTail;
        private String output;
        private Long pid;
        private String processStart;
        private String queuedAt;
        private String startedAt;
        private String endedAt;
        private List<String> outputs = List.of();
        private String waitingSince;
        private String placedOn;
        private List<TaskRun> tasks = List.of();
        private int interruptions;
        private List<String> children = List.of();
        private Map<String, String> outputChecksums = Map.of();
        private long writes;
        private String pinnedTaskDefinition;
        private String waitingSeenAt;
        private List<AttemptPlacement> placements = List.of();
        private PipelinePlace pipeline;

        Builder(String id, String algorithm, JobState state) {
            this.id = id;
            this.algorithm = algorithm;
            this.state = state;
        }

        private Builder(JobRecord r) {
            id = r.id;
            algorithm = r.algorithm;
            revision = r.revision;
            input = r.input;
            inputVersion = r.inputVersion;
            parent = r.parent;
            state = r.state;
            attempt = r.attempt;
            maxAttempts = r.maxAttempts;
            exitCode = r.exitCode;
            reason = r.reason;
            stderrTail = r.stderrTail;
            output = r.output;
            pid = r.pid;
            processStart = r.processStart;
            queuedAt = r.queuedAt;
            startedAt = r.startedAt;
            endedAt = r.endedAt;
            outputs = r.outputs;
            waitingSince = r.waitingSince;
            placedOn = r.placedOn;
            tasks = r.tasks;
            interruptions = r.interruptions;
            children = r.children;
            outputChecksums = r.outputChecksums;
            writes = r.writes;
            pinnedTaskDefinition = r.pinnedTaskDefinition;
            waitingSeenAt = r.waitingSeenAt;
            placements = r.placements;
            pipeline = r.pipeline;
        }

        Builder revision(String value) {
            revision = value;
            return this;
        }

        Builder input(String location, String version) {
            input = location;
            inputVersion = version;
            return this;
        }

        Builder parent(String value) {
            parent = value;
            return this;
        }

        Builder state(JobState value) {
            state = value;
            return this;
        }

        Builder attempt(int value) {
            attempt = value;
            return this;
        }

        Builder maxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        Builder exitCode(Integer value) {
            exitCode = value;
            return this;
        }

        Builder reason(String value) {
            reason = value;
            return this;
        }

        Builder stderrTail(String value) {
            stderrTail = value;
            return this;
        }

        Builder output(String value) {
            output = value;
            return this;
        }

        Builder process(Long processId, String started) {
            pid = processId;
            processStart = started;
            return this;
        }

        Builder queuedAt(String value) {
            queuedAt = value;
            return this;
        }

        Builder startedAt(String value) {
            startedAt = value;
            return this;
        }

        Builder endedAt(String value) {
            endedAt = value;
            return this;
        }

        /** The files an attempt left, whose checksums are not known (or none). */
        Builder outputs(List<String> value) {
            return outputs(value, Map.of());
        }

        /** The files an attempt left, with their checksums. */
        Builder outputs(List<String> files, Map<String, String> checksums) {
            outputs = files;
            outputChecksums = checksums;
            return this;
        }

        /** How often the record has been written through the index. */
        Builder writes(long value) {
            writes = value;
            return this;
        }

        /** When it began waiting; a record that stops waiting forgets when it was last seen waiting too. */
        Builder waitingSince(String value) {
            waitingSince = value;
            if (value == null) {
                waitingSeenAt = null;
            }
            return this;
        }

        Builder waitingSeenAt(String value) {
            waitingSeenAt = value;
            return this;
        }

        Builder placedOn(String value) {
            placedOn = value;
            return this;
        }

        /** What ECS reported about an attempt's task, replacing what was known of it. */
        Builder task(TaskRun run) {
            List<TaskRun> runs = new ArrayList<>(tasks);
            runs.removeIf(known -> known.attempt() == run.attempt());
            runs.add(run);
            runs.sort(Comparator.comparingInt(TaskRun::attempt));
            tasks = runs;
            return this;
        }

        /** The task definition the next attempts start on ({@code retry --same-image}), or {@code null}. */
        Builder pinnedTaskDefinition(String value) {
            pinnedTaskDefinition = value;
            return this;
        }

        /** Where an attempt was placed, replacing what was known of that attempt's placement. */
        Builder placement(AttemptPlacement placement) {
            List<AttemptPlacement> all = new ArrayList<>(placements);
            all.removeIf(known -> known.attempt() == placement.attempt());
            all.add(placement);
            all.sort(Comparator.comparingInt(AttemptPlacement::attempt));
            placements = all;
            return this;
        }

        Builder interruptions(int value) {
            interruptions = value;
            return this;
        }

        Builder children(List<String> value) {
            children = value;
            return this;
        }

        Builder pipeline(PipelinePlace value) {
            pipeline = value;
            return this;
        }

        public JobRecord build() {
            return new JobRecord(id, algorithm, revision, input, inputVersion, parent, state, attempt, maxAttempts,
                    exitCode, reason, stderrTail, output, pid, processStart, queuedAt, startedAt, endedAt, outputs,
                    waitingSince, placedOn, tasks, interruptions, children, outputChecksums, writes,
                    pinnedTaskDefinition, waitingSeenAt, placements, pipeline);
        }
    }
}
