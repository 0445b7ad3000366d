package io.conveyor.aws;

import io.conveyor.fleet.Teardown;
import io.conveyor.registration.TaskDefinitionWrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The task definitions a stack registered, for its teardown.
 *
 * <p>Families are {@code <prefix>-<algorithm>}, and a family prefix is not a stack's alone: the families of
 * a stack named {@code conveyor-x} also start with {@code conveyor-}, and stack {@code conveyor}'s
 * algorithm {@code x-foo} and stack {@code conveyor-x}'s algorithm {@code foo} even share the family
 * {@code conveyor-x-foo}. So each active revision is deregistered only when its own
 * {@code conveyor:algorithm} tag, set at registration, rebuilds its family from this prefix exactly;
 * revisions without the tag (not registered by Conveyor) are left alone.
 */
public final class EcsStackTaskDefinitions implements Teardown.TaskDefinitions {

    private static final Logger LOG = LoggerFactory.getLogger(EcsStackTaskDefinitions.class);

    private final EcsClient ecs;
    private final String familyPrefix;

    /**
     * @param familyPrefix the stack's family prefix (its name; {@code TASK_FAMILY_PREFIX} of the register function)
     */
    public EcsStackTaskDefinitions(EcsClient ecs, String familyPrefix) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.familyPrefix = Objects.requireNonNull(familyPrefix, "familyPrefix");
    }

    @Override
    public int deregisterAll() {
        List<String> families = new ArrayList<>();
        ecs.listTaskDefinitionFamiliesPaginator(request -> request.familyPrefix(familyPrefix + "-")
                        .status(TaskDefinitionFamilyStatus.ACTIVE))
                .families().forEach(families::add);
        int deregistered = 0;
        int foreign = 0;
        for (String family : families) {
            for (String arn : activeRevisions(family)) {
                if (ours(family, arn)) {
                    ecs.deregisterTaskDefinition(request -> request.taskDefinition(arn));
                    deregistered++;
                } else {
                    foreign++;
                }
            }
        }
        if (foreign > 0) {
            LOG.info("outcome=left-alone step=deregister-task-definitions prefix={} revisions={}", familyPrefix, foreign);
        }
        return deregistered;
    }

    private List<String> activeRevisions(String family) {
        List<String> arns = new ArrayList<>();
        ecs.listTaskDefinitionsPaginator(request -> request.familyPrefix(family).status(TaskDefinitionStatus.ACTIVE))
                .taskDefinitionArns().forEach(arn -> {
                    // ListTaskDefinitions' familyPrefix names one family; checked all the same.
                    if (family.equals(familyOf(arn))) {
                        arns.add(arn);
                    }
                });
        return arns;
    }

    private boolean ours(String family, String arn) {
        return ecs.listTagsForResource(request -> request.resourceArn(arn)).tags().stream()
                .filter(tag -> TaskDefinitionWrapper.TAG_ALGORITHM.equals(tag.key()))
                .anyMatch(tag -> family.equals(familyPrefix + "-" + tag.value()));
    }

    /** {@code arn:...:task-definition/<family>:<revision>} → family. */
    static String familyOf(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1, arn.lastIndexOf(':'));
    }
}
