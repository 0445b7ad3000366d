package io.conveyor.aws;

import io.conveyor.fleet.FleetMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The fleet's task counts as a CloudWatch custom metric: one value per instance, dimension
 * {@code InstanceId} only (the idle alarm's EC2 stop action needs it).
 */
public final class CloudWatchFleetMetrics implements FleetMetrics {

    /** PutMetricData takes at most this many values per call. */
    static final int PUT_LIMIT = 1000;

    private final CloudWatchClient cloudWatch;
    private final String namespace;
    private final String metricName;

    public CloudWatchFleetMetrics(CloudWatchClient cloudWatch, String namespace, String metricName) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.metricName = Objects.requireNonNull(metricName, "metricName");
    }

    @Override
    public void publishTasks(Map<String, Integer> tasksByInstance, Instant at) {
        List<MetricDatum> data = new ArrayList<>(tasksByInstance.size());
        tasksByInstance.forEach((instanceId, tasks) -> data.add(MetricDatum.builder()
                .metricName(metricName)
                .dimensions(Dimension.builder().name(CloudWatchIdleAlarms.DIMENSION).value(instanceId).build())
                .value((double) tasks)
                .unit(StandardUnit.COUNT)
                .timestamp(at)
                .storageResolution(60)
                .build()));
        for (int from = 0; from < data.size(); from += PUT_LIMIT) {
            List<MetricDatum> chunk = data.subList(from, Math.min(data.size(), from + PUT_LIMIT));
            cloudWatch.putMetricData(request -> request.namespace(namespace).metricData(chunk));
        }
    }
}
