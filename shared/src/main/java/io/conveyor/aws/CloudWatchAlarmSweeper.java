package io.conveyor.aws;

import io.conveyor.fleet.Teardown;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;

/**
 * Deletes a stack's idle alarms from CloudWatch, for its teardown. They are named
 * {@code <stack>-idle-<instance id>}; a name prefix alone would also take another stack's (one named
 * {@code <stack>-idle-x} has the alarms {@code <stack>-idle-x-idle-i-...}), so only names that are the
 * prefix and an instance id are deleted.
 */
public final class CloudWatchAlarmSweeper implements Teardown.Alarms {

    /** DeleteAlarms takes at most 100 names. */
    static final int DELETE_BATCH = 100;
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    private final CloudWatchClient cloudWatch;
    private final String prefix;

    /**
     * @param prefix the alarms' name prefix, {@code <stack>-idle-}
     */
    public CloudWatchAlarmSweeper(CloudWatchClient cloudWatch, String prefix) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank()) {
            throw new IllegalArgumentException("prefix: must not be blank (it would match every alarm)");
        }
    }

    @Override
    public int deleteAll() {
        List<String> names = new ArrayList<>();
        cloudWatch.describeAlarmsPaginator(request -> request.alarmNamePrefix(prefix).alarmTypes(AlarmType.METRIC_ALARM))
                .metricAlarms().stream().map(MetricAlarm::alarmName)
                .filter(name -> name.startsWith(prefix) && INSTANCE_ID.matcher(name.substring(prefix.length())).matches())
                .forEach(names::add);
        for (int from = 0; from < names.size(); from += DELETE_BATCH) {
            List<String> batch = names.subList(from, Math.min(names.size(), from + DELETE_BATCH));
            cloudWatch.deleteAlarms(request -> request.alarmNames(batch));
        }
        return names.size();
    }
}
