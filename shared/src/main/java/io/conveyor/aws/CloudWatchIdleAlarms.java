package io.conveyor.aws;

import io.conveyor.fleet.IdleAlarm;
import io.conveyor.fleet.IdleAlarms;
import io.conveyor.fleet.IdlePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The idle alarms on CloudWatch: one metric alarm per instance on its task count, whose action is
 * EC2's own stop ({@code arn:aws:automate:<region>:ec2:stop}). CloudWatch documents EC2 actions for
 * any custom metric with an {@code InstanceId} dimension that names a running instance; the action
 * runs through the service-linked role AWSServiceRoleForCloudWatchEvents.
 */
public final class CloudWatchIdleAlarms implements IdleAlarms {

    /** The metric's only dimension: what makes an alarm on it able to carry an EC2 action. */
    public static final String DIMENSION = "InstanceId";
    /** One-minute periods: the heartbeat publishes one value a minute. */
    public static final int PERIOD_SECONDS = 60;
    /** DeleteAlarms takes at most this many names per call. */
    private static final int DELETE_LIMIT = 100;

    private final CloudWatchClient cloudWatch;
    private final IdlePolicy policy;
    private final String stopAction;

    /**
     * @param region where the alarms and instances are; the stop action names it
     */
    public CloudWatchIdleAlarms(CloudWatchClient cloudWatch, IdlePolicy policy, Region region) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.stopAction = stopAction(region);
    }

    /** EC2's stop action in a region, e.g. {@code arn:aws:automate:us-east-1:ec2:stop}. */
    public static String stopAction(Region region) {
        String partition = "aws";
        try {
            partition = PartitionMetadata.of(region).id();
        } catch (RuntimeException e) {
            // A region the SDK does not know yet: the commercial partition.
        }
        return "arn:" + partition + ":automate:" + region.id() + ":ec2:stop";
    }

    @Override
    public List<IdleAlarm> list() {
        List<IdleAlarm> alarms = new ArrayList<>();
        cloudWatch.describeAlarmsPaginator(request -> request.alarmNamePrefix(policy.alarmPrefix())
                        .alarmTypes(AlarmType.METRIC_ALARM))
                .metricAlarms().forEach(alarm -> alarm(alarm).ifPresent(alarms::add));
        return List.copyOf(alarms);
    }

    private java.util.Optional<IdleAlarm> alarm(MetricAlarm alarm) {
        return policy.instanceOf(alarm.alarmName()).map(instanceId -> new IdleAlarm(alarm.alarmName(), instanceId,
                state(alarm.stateValue()), alarm.stateUpdatedTimestamp()));
    }

    private static IdleAlarm.State state(StateValue value) {
        if (value == StateValue.ALARM) {
            return IdleAlarm.State.ALARM;
        }
        return value == StateValue.OK ? IdleAlarm.State.OK : IdleAlarm.State.INSUFFICIENT_DATA;
    }

    @Override
    public void create(String instanceId) {
        int minutes = policy.idleMinutes();
        cloudWatch.putMetricAlarm(request -> request
                .alarmName(policy.alarmName(instanceId))
                .alarmDescription("Conveyor (" + policy.stack() + "): stops " + instanceId + " after " + minutes
                        + " min without a Conveyor task")
                .actionsEnabled(true)
                .alarmActions(stopAction)
                .namespace(policy.namespace())
                .metricName(policy.metricName())
                .dimensions(Dimension.builder().name(DIMENSION).value(instanceId).build())
                .statistic(Statistic.MAXIMUM)
                .period(PERIOD_SECONDS)
                .evaluationPeriods(minutes)
                .datapointsToAlarm(minutes)
                .threshold(0.0)
                .comparisonOperator(ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD)
                // Missing data (no heartbeat, a stopped instance) never stops a machine.
                .treatMissingData("notBreaching"));
    }

    @Override
    public void delete(List<String> alarmNames) {
        for (int from = 0; from < alarmNames.size(); from += DELETE_LIMIT) {
            List<String> chunk = alarmNames.subList(from, Math.min(alarmNames.size(), from + DELETE_LIMIT));
            cloudWatch.deleteAlarms(request -> request.alarmNames(chunk));
        }
    }

    @Override
    public void reset(String alarmName, String reason) {
        cloudWatch.setAlarmState(request -> request.alarmName(alarmName).stateValue(StateValue.OK)
                .stateReason("Conveyor: " + reason));
    }
}
