package io.conveyor.tasks;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the tasks of Conveyor's cluster through the state changes ECS reports.
 */
public final class TaskTracker {

    private static final Logger LOG = LoggerFactory.getLogger(TaskTracker.class);

    /** What became of one state change. */
    public enum Outcome {
        /** A task of Conveyor's cluster changed state. */
        TRACKED,
        /** The event is about another cluster: the rule should not have sent it; ignored. */
        OTHER_CLUSTER
    }

    private final String clusterArn;

    /**
     * @param clusterArn the ARN of Conveyor's cluster
     */
    public TaskTracker(String clusterArn) {
        this.clusterArn = Objects.requireNonNull(clusterArn, "clusterArn");
    }

    /**
     * Takes one state change, logging one line with the task, its status and its exit codes.
     */
    public Outcome track(TaskStateChange change) {
        if (!clusterArn.equals(change.clusterArn())) {
            LOG.warn("outcome=other-cluster task={} cluster={} expected={}", change.taskArn(), change.clusterArn(),
                    clusterArn);
            return Outcome.OTHER_CLUSTER;
        }
        LOG.info("outcome=tracked task={} startedBy={} lastStatus={} desiredStatus={} version={} stopCode={} "
                        + "stoppedReason=\"{}\" containers={}", change.taskArn(), change.startedBy(), change.lastStatus(),
                change.desiredStatus(), change.version(), change.stopCode(), change.stoppedReason(),
                change.containers().stream().map(c -> c.name() + ":" + c.exitCode()).toList());
        return Outcome.TRACKED;
    }
}
