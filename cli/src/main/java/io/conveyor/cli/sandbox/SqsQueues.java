package io.conveyor.cli.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Makes {@code AWS::SQS::Queue}s with every attribute they declare, and {@code AWS::SQS::QueuePolicy}s. */
final class SqsQueues {

    /** CloudFormation's queue properties that are queue attributes of the same name. */
    private static final List<String> ATTRIBUTES = List.of("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
            "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "KmsMasterKeyId",
            "KmsDataKeyReusePeriodSeconds", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit");
    /** The longest name SQS takes. */
    private static final int MAX_NAME = 80;

    private final SqsClient sqs;

    SqsQueues(SqsClient sqs) {
        this.sqs = sqs;
    }

    SandboxStack.Resource queue(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        List<String> supported = new java.util.ArrayList<>(ATTRIBUTES);
        supported.addAll(List.of("QueueName", "RedrivePolicy", "RedriveAllowPolicy", "Tags"));
        properties.supportOnly(supported.toArray(String[]::new));
        boolean fifo = properties.optionalBoolean("FifoQueue").orElse(false);
        String name = properties.optionalString("QueueName")
                .orElse(stack.stackName() + "-" + declared.logicalId() + (fifo ? ".fifo" : ""));
        Map<String, String> attributes = new LinkedHashMap<>();
        ATTRIBUTES.forEach(attribute -> properties.optionalString(attribute).ifPresent(value -> attributes.put(attribute, value)));
        if (properties.has("RedrivePolicy")) {
            attributes.put(QueueAttributeName.REDRIVE_POLICY.toString(), properties.json("RedrivePolicy"));
        }
        if (properties.has("RedriveAllowPolicy")) {
            attributes.put(QueueAttributeName.REDRIVE_ALLOW_POLICY.toString(), properties.json("RedriveAllowPolicy"));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        properties.maps("Tags").forEach(tag -> tags.put(tag.string("Key"), tag.string("Value")));
        return make(declared.logicalId(), declared.type(), name, attributes, tags);
    }

    /** A queue the sandbox itself needs (a rule's delivery queue), with SQS's defaults. */
    SandboxStack.Resource plain(String logicalId, String name) {
        return make(logicalId, "AWS::SQS::Queue", name, Map.of(), Map.of());
    }

    SandboxStack.Resource policy(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("Queues", "PolicyDocument");
        String policy = properties.json("PolicyDocument");
        for (String queueUrl : properties.strings("Queues")) {
            sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributesWithStrings(Map.of(QueueAttributeName.POLICY.toString(), policy)));
        }
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), stack.stackName() + "-" + declared.logicalId(), Map.of());
    }

    private SandboxStack.Resource make(String logicalId, String type, String name, Map<String, String> attributes,
                                       Map<String, String> tags) {
        if (name.length() > MAX_NAME) {
            throw new IllegalArgumentException(logicalId + ": the queue name " + name + " is longer than SQS's " + MAX_NAME
                    + " characters; give a shorter stack name");
        }
        String url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes).tags(tags)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributesAsStrings().get(QueueAttributeName.QUEUE_ARN.toString());
        return new SandboxStack.Resource(logicalId, type, url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
    }
}
