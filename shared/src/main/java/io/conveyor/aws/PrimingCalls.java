package io.conveyor.aws;

import io.conveyor.events.EcsTaskEvents;
import io.conveyor.events.JobsQueueMessages;
import io.conveyor.jobs.JobLifecycle;
import io.conveyor.jobs.JobRecord;
import io.conveyor.jobs.NewJob;
import io.conveyor.json.Json;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What {@link Priming} runs, only ever behind its gate (no request leaves the process): per client the
 * operations Conveyor's hot paths make, and the JSON of messages, events and job records. Clients are told
 * apart by their service name, so that a function without a service's jar never loads its classes.
 */
final class PrimingCalls {

    private static final Logger LOG = LoggerFactory.getLogger(PrimingCalls.class);
    private static final String BUCKET = "conveyor-priming";
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/000000000000/conveyor-priming";
    private static final String S3_NOTIFICATION = """
            {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
            "eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0",
            "bucket":{"name":"conveyor-priming","arn":"arn:aws:s3:::conveyor-priming"},
            "object":{"key":"inputs/priming/a.txt","size":1,"eTag":"0","versionId":"v1","sequencer":"01"}}}]}""";
    private static final String TASK_EVENT = """
            {"version":"0","id":"0","detail-type":"ECS Task State Change","source":"aws.ecs","account":"000000000000",
            "time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{
            "clusterArn":"arn:aws:ecs:us-east-1:000000000000:cluster/priming",
            "taskArn":"arn:aws:ecs:us-east-1:000000000000:task/priming/0","lastStatus":"STOPPED",
            "desiredStatus":"STOPPED","group":"family:priming","startedBy":"conveyor/priming","containers":[],
            "overrides":{"containerOverrides":[]},"version":1}}""";

    private PrimingCalls() {
    }

    static void prime(SdkClient client) {
        switch (client.serviceName()) {
            case S3Client.SERVICE_NAME -> s3((S3Client) client);
            case SqsClient.SERVICE_NAME -> sqs((SqsClient) client);
            case EcsClient.SERVICE_NAME -> ecs((EcsClient) client);
            case DynamoDbClient.SERVICE_NAME -> dynamoDb((DynamoDbClient) client);
            case EventBridgeClient.SERVICE_NAME -> eventBridge((EventBridgeClient) client);
            case CloudWatchClient.SERVICE_NAME -> cloudWatch((CloudWatchClient) client);
            case Ec2Client.SERVICE_NAME -> ec2((Ec2Client) client);
            default -> LOG.debug("outcome=not-primed service={}", client.serviceName());
        }
    }

    private static void s3(S3Client s3) {
        call(() -> s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("priming")));
        call(() -> s3.headObject(r -> r.bucket(BUCKET).key("priming")));
        call(() -> s3.putObject(r -> r.bucket(BUCKET).key("priming").ifNoneMatch("*").contentType("application/json"),
                RequestBody.fromString("{}")));
        call(() -> s3.listObjectsV2(r -> r.bucket(BUCKET).prefix("priming/")));
    }

    private static void sqs(SqsClient sqs) {
        call(() -> sqs.sendMessage(r -> r.queueUrl(QUEUE).messageBody("{}")));
        call(() -> sqs.changeMessageVisibilityBatch(r -> r.queueUrl(QUEUE).entries(e -> e.id("0")
                .receiptHandle("priming").visibilityTimeout(0))));
        call(() -> sqs.getQueueAttributes(r -> r.queueUrl(QUEUE).attributeNamesWithStrings("All")));
    }

    private static void ecs(EcsClient ecs) {
        call(() -> ecs.describeTasks(r -> r.cluster("priming").tasks("priming")));
        call(() -> ecs.listContainerInstances(r -> r.cluster("priming")));
        call(() -> ecs.describeContainerInstances(r -> r.cluster("priming").containerInstances("priming")));
        call(() -> ecs.startTask(r -> r.cluster("priming").taskDefinition("priming").containerInstances("priming")));
        call(() -> ecs.listTasks(r -> r.cluster("priming")));
        call(() -> ecs.registerTaskDefinition(r -> r.family("priming").containerDefinitions(c -> c.name("priming")
                .image("priming"))));
    }

    private static void dynamoDb(DynamoDbClient dynamoDb) {
        call(() -> dynamoDb.putItem(r -> r.tableName("priming").item(java.util.Map.of("pk",
                AttributeValue.fromS("priming")))));
        call(() -> dynamoDb.query(r -> r.tableName("priming").keyConditionExpression("pk = :pk")
                .expressionAttributeValues(java.util.Map.of(":pk", AttributeValue.fromS("priming")))));
    }

    private static void eventBridge(EventBridgeClient events) {
        call(() -> events.putEvents(r -> r.entries(e -> e.source("conveyor").detailType("priming").detail("{}"))));
    }

    private static void cloudWatch(CloudWatchClient cloudWatch) {
        call(() -> cloudWatch.putMetricData(r -> r.namespace("priming").metricData(m -> m.metricName("priming")
                .value(0.0))));
        call(() -> cloudWatch.describeAlarms(r -> r.alarmNamePrefix("priming")));
    }

    private static void ec2(Ec2Client ec2) {
        call(() -> ec2.describeInstances(r -> r.instanceIds("i-00000000")));
    }

    /** Jackson on what the functions read and write: queue messages, task events, job records. */
    static void json() {
        call(() -> JobsQueueMessages.parse(S3_NOTIFICATION));
        call(() -> EcsTaskEvents.parse(TASK_EVENT));
        call(() -> {
            JobRecord record = JobLifecycle.admit(NewJob.of(new NewJob.JobInput("s3://priming/inputs/p/a.txt", "v1"),
                    new NewJob.AlgorithmRevision("p", "r1", 1)), Instant.EPOCH);
            return Json.mapper().readValue(Json.mapper().writeValueAsBytes(record), JobRecord.class);
        });
    }

    /** A function's own path (see {@link Priming#path}); its failures on empty answers are expected too. */
    static void path(Runnable path) {
        call(() -> {
            path.run();
            return null;
        });
    }

    private static void call(java.util.concurrent.Callable<?> call) {
        try {
            call.call();
        } catch (Exception e) {
            // Empty answers make some calls fail after unmarshalling; the classes are loaded all the same.
            LOG.debug("outcome=priming-call-failed reason=\"{}\"", e.toString());
        }
    }
}
