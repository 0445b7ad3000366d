package io.conveyor.aws;

import io.conveyor.jobs.PinnedTaskDefinitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * Pinned task definitions on ECS: DescribeTaskDefinition of the revision an attempt ran (ECS describes
 * INACTIVE revisions too), then RegisterTaskDefinition of the same family with every setting copied and
 * the one container's image named by digest. The new revision is tagged {@value #PINNED_FROM} (the revision
 * it was made from) and {@value #JOB} (the job), on top of the original's own tags.
 *
 * <p>It acts with the caller's credentials (the CLI's): ecs:DescribeTaskDefinition,
 * ecs:RegisterTaskDefinition, ecs:TagResource, and iam:PassRole on the task and execution roles.
 */
public final class EcsPinnedTaskDefinitions implements PinnedTaskDefinitions {

    /** The tag naming the revision a pinned one was made from. */
    public static final String PINNED_FROM = "conveyor:pinned-from";
    /** The tag naming the job a pinned revision was made for. */
    public static final String JOB = "conveyor:job";

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final EcsClient ecs;

    public EcsPinnedTaskDefinitions(EcsClient ecs) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
    }

    /**
     * {@inheritDoc}
     *
     * @throws PinRefusedException when the digest is not {@code sha256:<64 hex>}, or ECS refuses the describe or
     *                             the register (a 4xx other than throttling and access denied); those propagate
     */
    @Override
    public String pin(String taskDefinitionArn, String container, String digest, String jobId) {
        if (digest == null || !DIGEST.matcher(digest).matches()) {
            throw new PinRefusedException("the digest '" + digest + "' of container '" + container
                    + "' is not sha256:<64 hex digits>");
        }
        TaskDefinition original;
        List<Tag> tags;
        try {
            var described = ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinitionArn)
                    .include(TaskDefinitionField.TAGS));
            original = described.taskDefinition();
            tags = described.tags();
        } catch (EcsException e) {
            throw refusal(e, "the task definition " + taskDefinitionArn + " cannot be described");
        }
        if (original.containerDefinitions().stream().noneMatch(c -> container.equals(c.name()))) {
            throw new PinRefusedException("the task definition " + taskDefinitionArn + " has no container '"
                    + container + "'");
        }
        try {
            return ecs.registerTaskDefinition(request(original, tags, container, digest, jobId)).taskDefinition()
                    .taskDefinitionArn();
        } catch (EcsException e) {
            throw refusal(e, "a revision of " + original.family() + " pinned to " + digest + " cannot be registered");
        }
    }

    /** The registration of {@code original} with {@code container}'s image pinned to {@code digest}. */
    static RegisterTaskDefinitionRequest request(TaskDefinition original, List<Tag> originalTags, String container,
                                                 String digest, String jobId) {
        List<ContainerDefinition> containers = original.containerDefinitions().stream()
                .map(c -> container.equals(c.name()) ? c.toBuilder().image(withoutTagOrDigest(c.image()) + "@" + digest)
                        .build() : c)
                .toList();
        List<Tag> tags = new ArrayList<>();
        originalTags.stream().filter(t -> !t.key().startsWith("aws:") && !t.key().equals(PINNED_FROM)
                && !t.key().equals(JOB)).forEach(tags::add);
        tags.add(Tag.builder().key(PINNED_FROM).value(original.taskDefinitionArn()).build());
        tags.add(Tag.builder().key(JOB).value(jobId).build());
        return RegisterTaskDefinitionRequest.builder()
                .family(original.family())
                .taskRoleArn(original.taskRoleArn())
                .executionRoleArn(original.executionRoleArn())
                .networkMode(original.networkMode())
                .containerDefinitions(containers)
                .volumes(original.volumes())
                .placementConstraints(original.placementConstraints())
                .requiresCompatibilities(original.requiresCompatibilities())
                .cpu(original.cpu())
                .memory(original.memory())
                .pidMode(original.pidMode())
                .ipcMode(original.ipcMode())
                .proxyConfiguration(original.proxyConfiguration())
                .inferenceAccelerators(original.inferenceAccelerators())
                .ephemeralStorage(original.ephemeralStorage())
                .runtimePlatform(original.runtimePlatform())
                .tags(tags)
                .build();
    }

    /** {@code registry:5000/team/image:tag@sha256:…} → {@code registry:5000/team/image}. */
    static String withoutTagOrDigest(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') ? name.substring(0, colon) : name;
    }

    private static RuntimeException refusal(EcsException e, String what) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e.statusCode() / 100 != 4 || e.isThrottlingException() || "AccessDeniedException".equals(code)) {
            return e; // not this task definition's fault: the caller's permissions, or ECS for now
        }
        String reason = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        return new PinRefusedException(what + ": " + reason, e);
    }
}
