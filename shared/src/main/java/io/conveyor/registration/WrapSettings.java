package io.conveyor.registration;

import java.util.Objects;

/**
 * What wrapping needs besides the descriptor: names and roles from the stack.
 *
 * @param familyPrefix     prefix of every task definition family (the stack's name)
 * @param taskRoleArn      the role tasks run with: scoped to Conveyor's buckets, no keys anywhere
 * @param executionRoleArn the role ECS pulls images and writes logs with
 * @param logGroup         the log group every task logs to, a stream prefix per algorithm
 * @param region           the region of the log group
 * @param stageImage       the public AWS CLI image that stages input and output
 */
public record WrapSettings(String familyPrefix, String taskRoleArn, String executionRoleArn, String logGroup,
                           String region, String stageImage) {

    public WrapSettings {
        Objects.requireNonNull(familyPrefix, "familyPrefix");
        Objects.requireNonNull(taskRoleArn, "taskRoleArn");
        Objects.requireNonNull(executionRoleArn, "executionRoleArn");
        Objects.requireNonNull(logGroup, "logGroup");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(stageImage, "stageImage");
    }
}
