package io.conveyor.cli.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.fleet.FleetInstance;
import io.conveyor.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@code conveyor fleet} on a stack: its instances (EC2 by the stack's tag, ECS for their tasks,
 * CloudWatch for their idle alarms and the task-count metric fleet-monitor publishes), its queues
 * (SQS attributes) and what lies in its dead-letter queues (peeked, left there).
 */
final class StackFleet {

    /** The stack's queues by output; the dead-letter ones say where their reasons are logged. */
    private static final Map<String, String> QUEUES = Map.of(
            "RegistrationQueueUrl", "", "JobsQueueUrl", "", "TaskEventsQueueUrl", "",
            "RegistrationDeadLetterQueueUrl", "the register-algorithm function's log",
            "JobsDeadLetterQueueUrl", "the dispatch function's log",
            "TaskEventsDeadLetterQueueUrl", "the task-events function's log",
            "EventsDeadLetterQueueUrl", "the message's ERROR_CODE, ERROR_MESSAGE and RULE_ARN attributes",
            "InvocationFailureQueueUrl", "the message itself (event and error), and the function's log");
    private static final List<String> ORDER = List.of("RegistrationQueueUrl", "RegistrationDeadLetterQueueUrl",
            "JobsQueueUrl", "JobsDeadLetterQueueUrl", "TaskEventsQueueUrl", "TaskEventsDeadLetterQueueUrl",
            "EventsDeadLetterQueueUrl", "InvocationFailureQueueUrl");
    private static final int SAMPLES = 5;

    private final StackTarget stack;

    StackFleet(StackTarget stack) {
        this.stack = stack;
    }

    /** What could not be read, said once each (CloudWatch on moto: the SDK speaks CBOR, moto answers 404). */
    private final List<String> warnings = new ArrayList<>();

    Fleet read() {
        List<Fleet.Instance> instances = instances();
        return new Fleet(instances, queues(), warnings);
    }

    private List<Fleet.Instance> instances() {
        var clients = stack.clients();
        List<FleetInstance> found = new Ec2InstanceFleet(clients.ec2(), stack.stack()).instances();
        Map<String, Integer> tasks = new HashMap<>();
        String cluster = stack.output("ClusterName");
        List<String> arns = clients.ecs().listContainerInstances(request -> request.cluster(cluster))
                .containerInstanceArns();
        if (!arns.isEmpty()) {
            for (ContainerInstance instance : clients.ecs().describeContainerInstances(request -> request
                    .cluster(cluster).containerInstances(arns)).containerInstances()) {
                tasks.put(instance.ec2InstanceId(), instance.runningTasksCount() + instance.pendingTasksCount());
            }
        }
        Map<String, String> alarms = new HashMap<>();
        String prefix = stack.stack() + "-idle-";
        boolean cloudWatch = true;
        try {
            for (MetricAlarm alarm : clients.cloudWatch().describeAlarmsPaginator(request -> request
                    .alarmNamePrefix(prefix)).metricAlarms()) {
                alarms.put(alarm.alarmName().substring(prefix.length()), alarm.stateValueAsString());
            }
        } catch (AwsServiceException e) {
            warnings.add("CloudWatch did not answer (" + StackTarget.firstLine(e.getMessage())
                    + "): idle minutes and alarm states are left out");
            cloudWatch = false;
        }
        List<Fleet.Instance> instances = new ArrayList<>();
        for (FleetInstance instance : found) {
            instances.add(new Fleet.Instance(instance.instanceId(), instance.state().name().toLowerCase(),
                    instance.instanceType(), tasks.getOrDefault(instance.instanceId(), 0),
                    cloudWatch ? idleMinutes(instance.instanceId()) : null, alarms.get(instance.instanceId())));
        }
        instances.sort(Comparator.comparing(Fleet.Instance::id));
        return instances;
    }

    /** Minutes in a row, up to now, in which fleet-monitor published 0 tasks for the instance; null without data. */
    private Integer idleMinutes(String instanceId) {
        Instant now = Instant.now();
        List<Datapoint> points = new ArrayList<>(stack.clients().cloudWatch().getMetricStatistics(request -> request
                .namespace("Conveyor").metricName("Tasks")
                .dimensions(Dimension.builder().name("InstanceId").value(instanceId).build())
                .startTime(now.minus(Duration.ofHours(1))).endTime(now).period(60).statistics(Statistic.MAXIMUM))
                .datapoints());
        if (points.isEmpty()) {
            return null;
        }
        points.sort(Comparator.comparing(Datapoint::timestamp).reversed());
        int idle = 0;
        for (Datapoint point : points) {
            if (point.maximum() > 0) {
                break;
            }
            idle++;
        }
        return idle;
    }

    private List<Fleet.Queue> queues() {
        var sqs = stack.clients().sqs();
        List<Fleet.Queue> queues = new ArrayList<>();
        for (String output : ORDER) {
            String url = stack.optionalOutput(output).orElse(null);
            if (url == null) {
                continue;
            }
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(request -> request.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            boolean deadLetter = !QUEUES.get(output).isEmpty();
            long waiting = Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
            List<String> samples = deadLetter && waiting > 0 ? samples(url) : List.of();
            queues.add(new Fleet.Queue(url.substring(url.lastIndexOf('/') + 1), deadLetter, waiting,
                    Long.parseLong(attributes.getOrDefault(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")),
                    samples, deadLetter ? QUEUES.get(output) : null));
        }
        return queues;
    }

    /** What a few dead letters were about, read without hiding them from others (visibility 0). */
    private List<String> samples(String url) {
        List<String> samples = new ArrayList<>();
        for (Message message : stack.clients().sqs().receiveMessage(request -> request.queueUrl(url)
                .maxNumberOfMessages(SAMPLES).visibilityTimeout(0)).messages()) {
            samples.add(subject(message.body()));
        }
        return samples;
    }

    /** An S3 key, a job id or a task ARN: what a dead letter was about. */
    static String subject(String body) {
        try {
            JsonNode node = Json.mapper().readTree(body);
            JsonNode record = node.path("Records").path(0);
            if (!record.isMissingNode()) {
                return record.path("eventName").asText() + " s3://" + record.path("s3").path("bucket").path("name")
                        .asText() + "/" + record.path("s3").path("object").path("key").asText();
            }
            if (node.hasNonNull("conveyorJob")) {
                return "job " + node.get("conveyorJob").asText();
            }
            if (node.path("detail").hasNonNull("taskArn")) {
                return node.path("detail-type").asText() + " " + node.path("detail").path("taskArn").asText()
                        + " (" + node.path("detail").path("lastStatus").asText() + ")";
            }
        } catch (IOException e) {
            // not JSON: shown as it is, cut short
        }
        return body.length() > 120 ? body.substring(0, 120) + "…" : body;
    }
}
