package io.conveyor.jobs;

import java.util.List;
import java.util.Objects;

/**
 * What a job's containers wrote: CloudWatch Logs on AWS (the record's log stream names), files in
 * the outbox locally. Read a page at a time from a cursor, so {@code conveyor logs --follow} can ask
 * again for what came since.
 */
public interface JobLogs {

    /** The containers of a wrapped task, in the order they run; the local mode has only the algorithm. */
    List<String> CONTAINERS = List.of("stage-in", "algorithm", "stage-out");

    /**
     * The lines one container of one attempt wrote after {@code cursor}.
     *
     * @param job       the job's record (it says where its logs lie)
     * @param attempt   the attempt, from 1
     * @param container one of {@link #CONTAINERS}
     * @param cursor    where the last page ended, or {@code null} from the beginning
     * @return the lines, and the cursor to ask from next; {@link Page#found()} is false when that
     *         attempt or container left no log (it never ran, or its log expired)
     */
    Page read(JobRecord job, int attempt, String container, String cursor);

    /** Lines of a log, and where to read on from. */
    record Page(List<String> lines, String cursor, boolean found) {
        public Page {
            lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
        }

        /** No log there. */
        public static Page missing() {
            return new Page(List.of(), null, false);
        }
    }
}
