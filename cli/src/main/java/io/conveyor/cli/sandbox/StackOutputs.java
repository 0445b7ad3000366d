package io.conveyor.cli.sandbox;

import io.conveyor.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

/**
 * The stack's {@code Outputs}, findable as a deployed stack's are ({@code aws cloudformation describe-stacks
 * --stack-name sandbox}): a CloudFormation stack of that name on the emulator, holding one
 * {@code AWS::CloudFormation::WaitConditionHandle} (a resource that does nothing) and the outputs'
 * resolved values as literals. The resources themselves are made outside CloudFormation, because the
 * emulator's CloudFormation would drop bucket notifications, versioning and lifecycle.
 */
final class StackOutputs {

    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final CloudFormationClient cloudFormation;

    StackOutputs(CloudFormationClient cloudFormation) {
        this.cloudFormation = cloudFormation;
    }

    /**
     * Refuses a stack name the emulator already holds: the sandbox makes a stack on an emulator without it
     * (a fresh one, or one reset), never half on top of another.
     */
    void requireAbsent(String stackName) {
        try {
            List<Stack> stacks = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks();
            if (stacks.stream().anyMatch(stack -> stack.stackStatus() != StackStatus.DELETE_COMPLETE)) {
                throw new IllegalStateException("the emulator already holds a stack named " + stackName
                        + "; reset the emulator, or give the sandbox another stack name");
            }
        } catch (CloudFormationException e) {
            // "Stack with id ... does not exist" is a ValidationError: exactly the answer wanted.
            if (e.statusCode() != 400) {
                throw e;
            }
        }
    }

    /** Makes the stack of outputs and returns it once CloudFormation says it is complete. */
    Stack publish(String stackName, List<StackTemplate.Output> outputs) {
        Map<String, Object> declared = new LinkedHashMap<>();
        outputs.forEach(output -> declared.put(output.name(), Map.of("Description", output.description(), "Value", output.value())));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("AWSTemplateFormatVersion", "2010-09-09");
        template.put("Description", "The sandbox's outputs; its resources are made outside CloudFormation.");
        template.put("Resources", Map.of("SandboxOutputs", Map.of("Type", "AWS::CloudFormation::WaitConditionHandle")));
        template.put("Outputs", declared);
        String body;
        try {
            body = Json.mapper().writeValueAsString(template);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the outputs' template cannot be written: " + e.getOriginalMessage(), e);
        }
        cloudFormation.createStack(r -> r.stackName(stackName).templateBody(body));
        Instant deadline = Instant.now().plus(SETTLE);
        while (true) {
            Stack stack = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().get(0);
            if (stack.stackStatus() == StackStatus.CREATE_COMPLETE) {
                return stack;
            }
            if (stack.stackStatus() != StackStatus.CREATE_IN_PROGRESS || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the outputs' stack " + stackName + " is " + stack.stackStatusAsString()
                        + ": " + stack.stackStatusReason());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the outputs' stack " + stackName, e);
            }
        }
    }
}
