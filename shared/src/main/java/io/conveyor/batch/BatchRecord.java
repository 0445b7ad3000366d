package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What is known of one batch of a pipeline ({@code inputs/<pipeline>/<batch>/}), stored as
 * {@code batches/<pipeline>/<batch>.json} next to the job records. Only {@link BatchLifecycle} makes a
 * changed one; build a new one with {@link #open}.
 *
 * @param pipeline   the pipeline's name
 * @param batch      the batch's name (its folder)
 * @param revision   the pipeline's revision when the batch opened: its gathers' job ids are made with it
 * @param state      OPEN, COMPLETE or FAILED
 * @param reason     why it FAILED, or {@code null}
 * @param files      the batch's files by name (the latest version of each that arrived while it was OPEN)
 * @param manifest   its manifest as last uploaded, or {@code null}
 * @param markerAt   when its {@code _COMPLETE} marker arrived (ISO-8601), or {@code null}
 * @param firstArrivalAt when its first file (or control file) arrived
 * @param lastArrivalAt  when its last one arrived
 * @param endedAt    when it became COMPLETE or FAILED (an instant of the uploads, the same in any event order)
 * @param late       files that arrived after it ended: not part of it, kept here to be seen
 * @param steps      each step's member jobs in this batch, by job id
 * @param gathers    what was decided for each gather step, by step name
 * @param lookAt     when the look again already asked for comes (ISO-8601), while OPEN; {@code null} when none was
 *                   asked for: a change asks for another only when none is on its way that comes in time
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchRecord(String pipeline, String batch, String revision, State state, String reason,
                          Map<String, BatchFile> files, ManifestSeen manifest, String markerAt, String firstArrivalAt,
                          String lastArrivalAt, String endedAt, List<BatchFile> late,
                          Map<String, Map<String, BatchMember>> steps, Map<String, BatchGather> gathers,
                          String lookAt) {

    /** Where a batch stands. */
    public enum State {
        /** Files may still come. */
        OPEN,
        /** Its files are all there: it takes no more. */
        COMPLETE,
        /** It will never be complete (a missing or mismatched file, a malformed manifest, its deadline passed). */
        FAILED
    }

    public BatchRecord {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(state, "state");
        files = sorted(files);
        late = late == null ? List.of() : late.stream().sorted(BatchFile.ARRIVAL.thenComparing(BatchFile::name)).toList();
        Map<String, Map<String, BatchMember>> stepMembers = new TreeMap<>();
        (steps == null ? Map.<String, Map<String, BatchMember>>of() : steps)
                .forEach((step, members) -> stepMembers.put(step, sorted(members)));
        steps = Collections.unmodifiableMap(stepMembers);
        gathers = sorted(gathers);
    }

    /** A batch with nothing in it yet. */
    public static BatchRecord open(String pipeline, String batch, String revision) {
        String problem = BatchManifest.fileNameProblem(batch);
        if (problem != null) {
            throw new IllegalArgumentException("batch name: " + problem);
        }
        return new BatchRecord(pipeline, batch, revision, State.OPEN, null, Map.of(), null, null, null, null, null,
                List.of(), Map.of(), Map.of(), null);
    }

    /** The members of a step in this batch (none when it has none). */
    public Map<String, BatchMember> members(String step) {
        return steps.getOrDefault(step, Map.of());
    }

    /** Every member that has not ended, as step → job ids: for a reconciler to read their records again. */
    @JsonIgnore
    public Map<String, List<String>> unended() {
        Map<String, List<String>> unended = new TreeMap<>();
        steps.forEach((step, members) -> {
            List<String> ids = members.values().stream().filter(m -> !m.ended()).map(BatchMember::jobId).toList();
            if (!ids.isEmpty()) {
                unended.put(step, ids);
            }
        });
        return unended;
    }

    /**
     * The files of an OPEN batch whose SHA-256 is to be learnt: its manifest lists one for them and none is known. A
     * driver that does not hash every file (dispatch on AWS) hashes these, and only these, and tells them again with it.
     */
    @JsonIgnore
    public List<BatchFile> awaitingSha256() {
        if (state != State.OPEN || manifest == null || manifest.manifest() == null) {
            return List.of();
        }
        List<BatchFile> awaiting = new ArrayList<>();
        for (BatchManifest.Expected expected : manifest.manifest().files()) {
            BatchFile file = files.get(expected.name());
            if (expected.sha256() != null && file != null && file.sha256() == null) {
                awaiting.add(file);
            }
        }
        return awaiting;
    }

    /**
     * Whether nothing more is to happen to the batch but a late file: it FAILED, or it is COMPLETE and every member
     * (a gather's job among them) has ended. Until then it is among the open batches a reconciler looks at.
     */
    @JsonIgnore
    public boolean settled() {
        return state == State.FAILED || state == State.COMPLETE && unended().isEmpty();
    }

    /** Whether it holds nothing (no record of it was ever written). */
    @JsonIgnore
    public boolean blank() {
        return files.isEmpty() && manifest == null && markerAt == null && late.isEmpty() && steps.isEmpty()
                && gathers.isEmpty();
    }

    /** The same record, to change: for {@link BatchLifecycle}. */
    Builder toBuilder() {
        return new Builder(this);
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** A record being changed by one event. */
    static final class Builder {
        final String pipeline;
        final String batch;
        final String revision;
        State state;
        String reason;
        final Map<String, BatchFile> files;
        ManifestSeen manifest;
        String markerAt;
        String firstArrivalAt;
        String lastArrivalAt;
        String endedAt;
        final List<BatchFile> late;
        final Map<String, Map<String, BatchMember>> steps = new TreeMap<>();
        final Map<String, BatchGather> gathers;
        String lookAt;

        private Builder(BatchRecord record) {
            pipeline = record.pipeline;
            batch = record.batch;
            revision = record.revision;
            state = record.state;
            reason = record.reason;
            files = new TreeMap<>(record.files);
            manifest = record.manifest;
            markerAt = record.markerAt;
            firstArrivalAt = record.firstArrivalAt;
            lastArrivalAt = record.lastArrivalAt;
            endedAt = record.endedAt;
            late = new ArrayList<>(record.late);
            record.steps.forEach((step, members) -> steps.put(step, new TreeMap<>(members)));
            gathers = new TreeMap<>(record.gathers);
            lookAt = record.lookAt;
        }

        /** Notes an arrival's instant among the first and last. */
        void arrived(java.time.Instant at) {
            String text = at.toString();
            if (firstArrivalAt == null || at.isBefore(java.time.Instant.parse(firstArrivalAt))) {
                firstArrivalAt = text;
            }
            if (lastArrivalAt == null || at.isAfter(java.time.Instant.parse(lastArrivalAt))) {
                lastArrivalAt = text;
            }
        }

        Map<String, BatchMember> members(String step) {
            return steps.computeIfAbsent(step, s -> new TreeMap<>());
        }

        void noteLate(BatchFile file) {
            if (late.stream().noneMatch(f -> f.name().equals(file.name()) && f.version().equals(file.version()))) {
                late.add(file);
            }
        }

        BatchRecord build() {
            return new BatchRecord(pipeline, batch, revision, state, reason, files, manifest, markerAt, firstArrivalAt,
                    lastArrivalAt, endedAt, late, new TreeMap<>(steps), gathers, lookAt);
        }
    }
}
