package io.conveyor.batch;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a driver saw of a batch, for {@link BatchLifecycle#apply}. */
public sealed interface BatchEvent {

    /**
     * An input file arrived in the batch's folder.
     *
     * @param file    the file, its version, size, SHA-256 (when computed) and arrival
     * @param members the jobs of the pipeline's first steps this file becomes (their ids are known before they
     *                are made): recorded with it, so the batch never looks finished while they are being made
     */
    record FileArrived(BatchFile file, List<Member> members) implements BatchEvent {
        public FileArrived {
            Objects.requireNonNull(file, "file");
            members = members == null ? List.of() : List.copyOf(members);
        }
    }

    /**
     * {@code _manifest.json} arrived.
     *
     * @param version its object version
     * @param text    its content as uploaded (at most {@link BatchManifest#MAX_BYTES})
     * @param at      when it arrived
     */
    record ManifestArrived(String version, String text, Instant at) implements BatchEvent {
        public ManifestArrived {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * {@code _COMPLETE} arrived.
     *
     * @param at     when it arrived
     * @param listed the batch folder's files as the driver listed them on seeing the marker (a listing is
     *               consistent where notifications are not): files whose notification is still on its way
     *               are part of the batch all the same
     */
    record MarkerArrived(Instant at, List<FileArrived> listed) implements BatchEvent {
        public MarkerArrived {
            Objects.requireNonNull(at, "at");
            listed = listed == null ? List.of() : List.copyOf(listed);
        }
    }

    /** A job of a step was made in this batch (a chain's next step, a fan-out's job, a gather job). */
    record MemberAdded(Member member) implements BatchEvent {
        public MemberAdded {
            Objects.requireNonNull(member, "member");
        }
    }

    /**
     * A member job ended.
     *
     * @param member   the job and its step
     * @param end      how it ended
     * @param reason   why it failed or was cancelled, or {@code null}
     * @param at       when it ended (of two ends told of one job, a retry's later one counts)
     * @param children the jobs made from its outputs (a chain's next step, a fan-out): recorded in the same
     *                 write, so a gather never runs before them
     */
    record MemberEnded(Member member, BatchMember.End end, String reason, Instant at, List<Member> children)
            implements BatchEvent {
        public MemberEnded {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(at, "at");
            children = children == null ? List.of() : List.copyOf(children);
        }
    }

    /**
     * Time passed: a quiet period or a deadline may be over.
     *
     * @param look the instant of the look again that brings it ({@link BatchDecision.LookAgain#at()}), or {@code null}
     *             for a tick of no look (a reconciler's pass, a run resumed)
     */
    record Tick(Instant look) implements BatchEvent {
        /** A tick of no look again. */
        public Tick() {
            this(null);
        }
    }

    /** A job of a step. */
    record Member(String step, String jobId) {
        public Member {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(jobId, "jobId");
        }
    }
}
