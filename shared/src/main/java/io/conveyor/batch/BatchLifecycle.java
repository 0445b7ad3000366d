package io.conveyor.batch;

import io.conveyor.batch.BatchEvent.FileArrived;
import io.conveyor.batch.BatchEvent.ManifestArrived;
import io.conveyor.batch.BatchEvent.MarkerArrived;
import io.conveyor.batch.BatchEvent.Member;
import io.conveyor.batch.BatchEvent.MemberAdded;
import io.conveyor.batch.BatchEvent.MemberEnded;
import io.conveyor.batch.BatchEvent.Tick;
import io.conveyor.batch.BatchRecord.State;
import io.conveyor.pipeline.BatchRule;
import io.conveyor.pipeline.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that decides what happens to a batch, on AWS and in the local mode alike:
 * {@code (record, events, pipeline, now) → (record after, decisions)}. It does no I/O and reads no clock.
 *
 * <p>It is a function of what arrived, not of the order it is told: every instant it records (a batch's
 * end, a gather's decision) is an instant of the uploads and job ends, the latest version of a file or
 * manifest is the one that arrived last, and of two ends told of one job the later counts. A repeated event
 * changes nothing. A file told after the batch ended is {@code late}: kept in the record, no job made.
 * When the batch is complete and every job of a gathered step and of the steps upstream of it has ended,
 * the gather is decided, once: the record then names its job (or why it failed), so whichever driver
 * writes that record first carries it out, and the others find it decided.
 */
public final class BatchLifecycle {

    private BatchLifecycle() {
    }

    /** Applies one event. */
    public static BatchChange apply(BatchRecord record, BatchEvent event, Pipeline pipeline, Instant now) {
        return apply(record, List.of(event), pipeline, now);
    }

    /** Applies events in order, then decides completion, failure and gathers as of {@code now}. */
    public static BatchChange apply(BatchRecord record, List<BatchEvent> events, Pipeline pipeline, Instant now) {
        if (!record.pipeline().equals(pipeline.name())) {
            throw new IllegalArgumentException("batch " + record.batch() + " is of pipeline " + record.pipeline()
                    + ", not " + pipeline.name());
        }
        BatchRecord.Builder batch = record.toBuilder();
        List<BatchDecision> decisions = new ArrayList<>();
        for (BatchEvent event : events) {
            switch (event) {
                case FileArrived file -> file(batch, file, decisions);
                case ManifestArrived manifest -> manifest(batch, manifest, decisions);
                case MarkerArrived marker -> marker(batch, marker, decisions);
                case MemberAdded added -> batch.members(added.member().step()).putIfAbsent(added.member().jobId(),
                        BatchMember.added(added.member().jobId()));
                case MemberEnded ended -> ended(batch, ended);
                case Tick tick -> {
                }
            }
        }
        supersede(batch);
        BatchCompletion.settle(batch, pipeline.batches(), now, decisions);
        BatchGathers.decide(batch, pipeline, decisions);
        lookAgain(batch, record, events, pipeline, now, decisions);
        BatchRecord after = batch.build();
        return new BatchChange(record, after.equals(record) ? record : after, decisions);
    }

    /**
     * The gathers decided but whose job has not ended, to be made again (create-if-absent) by a reconciler:
     * a driver that wrote the decision and crashed before making the job leaves one.
     */
    public static List<BatchDecision.MakeGather> outstanding(BatchRecord record, Pipeline pipeline) {
        return BatchGathers.outstanding(record, pipeline);
    }

    /**
     * One look again on its way per open batch, not one per change: a change asks for a look only when none was asked
     * for, when the one asked for comes too late (a deadline nearer than a quiet period's end), when it came (this tick
     * brings it), or when it is {@link #LOOK_LOST_AFTER} overdue (lost: a duplicate then is one harmless tick more). A
     * look comes within SQS's longest delay ({@link BatchMessages#MAX_DELAY_SECONDS}); the tick it brings asks for the
     * next.
     */
    private static void lookAgain(BatchRecord.Builder batch, BatchRecord before, List<BatchEvent> events,
                                  Pipeline pipeline, Instant now, List<BatchDecision> decisions) {
        if (batch.state != State.OPEN) {
            batch.lookAt = null;
            return;
        }
        Optional<Instant> next = BatchCompletion.nextLook(batch.build(), pipeline.batches(), now);
        if (next.isEmpty()) {
            return;
        }
        Instant at = next.get().isAfter(now.plusSeconds(BatchMessages.MAX_DELAY_SECONDS))
                ? now.plusSeconds(BatchMessages.MAX_DELAY_SECONDS) : next.get();
        Instant asked = before.lookAt() == null ? null : Instant.parse(before.lookAt());
        boolean came = asked != null && events.stream().anyMatch(e -> e instanceof Tick tick && asked.equals(tick.look()));
        boolean onItsWay = asked != null && !came && asked.plus(LOOK_LOST_AFTER).isAfter(now) && !asked.isAfter(at);
        if (!onItsWay) {
            batch.lookAt = at.toString();
            decisions.add(new BatchDecision.LookAgain(at));
        }
    }

    /** How late a look again may come before it is taken for lost and asked for again. */
    static final Duration LOOK_LOST_AFTER = Duration.ofMinutes(5);

    private static void file(BatchRecord.Builder batch, FileArrived arrived, List<BatchDecision> decisions) {
        BatchFile file = arrived.file();
        String problem = BatchManifest.fileNameProblem(file.name());
        if (problem != null) {
            throw new IllegalArgumentException("batch " + batch.batch + ": file name " + problem
                    + " (drivers pass only plain file names of the batch's folder)");
        }
        BatchFile known = batch.files.get(file.name());
        boolean same = known != null && known.version().equals(file.version());
        boolean older = known != null && BatchFile.ARRIVAL.compare(file, known) < 0;
        if (batch.state != State.OPEN && !same && !older) {
            batch.noteLate(file);
            decisions.add(new BatchDecision.LateFile(file, batch.state));
            return;
        }
        if (same) {
            // A version told again (a redelivery, a second driver) arrived when it was first told: the earlier instant is
            // kept, so a repeat told later moves neither the batch's last arrival nor its quiet end. Its content never
            // changes: its SHA-256, learnt later (on AWS, when a manifest lists one), is kept.
            BatchFile first = older ? file : known;
            String sha256 = known.sha256() != null ? known.sha256() : file.sha256();
            batch.files.put(file.name(), sha256 == null || first.sha256() != null ? first : first.withSha256(sha256));
            batch.arrived(first.arrival());
        } else {
            if (known == null || BatchFile.ARRIVAL.compare(file, known) > 0) {
                batch.files.put(file.name(), file);
            }
            batch.arrived(file.arrival());
        }
        for (Member member : arrived.members()) {
            batch.members(member.step()).merge(member.jobId(), BatchMember.added(member.jobId())
                    .madeOf(file.name(), file.version()), (was, made) -> was.madeOf(file.name(), file.version()));
        }
        // Told again (a redelivery, a crash before the jobs were made): making them again makes none twice.
        // An older version told after the batch ended was superseded before it ended: its jobs would count for nothing.
        if (!arrived.members().isEmpty() && !(older && !same && batch.state != State.OPEN)) {
            decisions.add(new BatchDecision.MakeMembers(file.name(), arrived.members()));
        }
    }

    /**
     * Of two versions of a file, the later arrival is the batch's: the jobs made of the other, and the jobs made
     * of their outputs, no longer count for gathers. Worked out anew after every event, so the order of the
     * events does not matter.
     */
    private static void supersede(BatchRecord.Builder batch) {
        Map<String, BatchMember> byJob = new java.util.HashMap<>();
        batch.steps.values().forEach(byJob::putAll);
        for (Map<String, BatchMember> members : batch.steps.values()) {
            members.replaceAll((id, member) -> member.superseding(superseded(batch, byJob, member)));
        }
    }

    private static boolean superseded(BatchRecord.Builder batch, Map<String, BatchMember> byJob, BatchMember member) {
        BatchMember at = member;
        for (int depth = 0; at != null && depth < byJob.size() + 1; depth++) {
            if (at.file() != null) {
                BatchFile current = batch.files.get(at.file());
                return current != null && !current.version().equals(at.fileVersion());
            }
            at = at.parent() == null ? null : byJob.get(at.parent());
        }
        return false;
    }

    private static void manifest(BatchRecord.Builder batch, ManifestArrived arrived, List<BatchDecision> decisions) {
        if (batch.manifest != null && batch.manifest.version().equals(arrived.version())) {
            return;
        }
        if (batch.state != State.OPEN) {
            BatchFile file = new BatchFile(BatchRule.MANIFEST, arrived.version(), arrived.text().length(), null,
                    arrived.at().toString());
            batch.noteLate(file);
            decisions.add(new BatchDecision.LateFile(file, batch.state));
            return;
        }
        batch.arrived(arrived.at());
        ManifestSeen seen;
        try {
            seen = new ManifestSeen(arrived.version(), arrived.at().toString(), BatchManifest.parse(arrived.text()), null);
        } catch (BatchManifest.MalformedManifestException e) {
            seen = new ManifestSeen(arrived.version(), arrived.at().toString(), null, e.getMessage());
        }
        if (batch.manifest == null || newer(seen, batch.manifest)) {
            batch.manifest = seen;
        }
    }

    private static boolean newer(ManifestSeen seen, ManifestSeen known) {
        int byTime = Instant.parse(seen.arrivedAt()).compareTo(Instant.parse(known.arrivedAt()));
        return byTime > 0 || byTime == 0 && seen.version().compareTo(known.version()) > 0;
    }

    private static void marker(BatchRecord.Builder batch, MarkerArrived marker, List<BatchDecision> decisions) {
        for (FileArrived listed : marker.listed()) {
            file(batch, listed, decisions);
        }
        if (batch.state != State.OPEN) {
            return;
        }
        batch.arrived(marker.at());
        if (batch.markerAt == null || marker.at().isBefore(Instant.parse(batch.markerAt))) {
            batch.markerAt = marker.at().toString();
        }
    }

    private static void ended(BatchRecord.Builder batch, MemberEnded ended) {
        Map<String, BatchMember> members = batch.members(ended.member().step());
        BatchMember known = members.get(ended.member().jobId());
        BatchMember member = known != null ? known : BatchMember.added(ended.member().jobId());
        if (known == null || known.endedAt() == null || ended.at().isAfter(Instant.parse(known.endedAt()))) {
            members.put(member.jobId(), member.ending(ended.end(),
                    ended.end() == BatchMember.End.SUCCEEDED ? null : ended.reason(), ended.at().toString()));
        }
        for (Member child : ended.children()) {
            batch.members(child.step()).merge(child.jobId(), BatchMember.added(child.jobId()).madeFrom(member.jobId()),
                    (was, made) -> was.madeFrom(member.jobId()));
        }
    }
}
