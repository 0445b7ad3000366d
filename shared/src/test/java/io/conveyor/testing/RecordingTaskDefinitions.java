package io.conveyor.testing;

import io.conveyor.registration.TaskDefinitionSpec;
import io.conveyor.registration.TaskDefinitions;
import java.util.ArrayList;
import java.util.List;

/**
 * Task definitions in memory: revisions numbered per family, as ECS numbers them.
 */
public final class RecordingTaskDefinitions implements TaskDefinitions {

    /** One registered revision. */
    public record Revision(String arn, TaskDefinitionSpec spec, boolean active) {
    }

    private final List<Revision> revisions = new ArrayList<>();
    private String refusal;

    /** From now on, refuse every definition the way ECS refuses an invalid one. */
    public RecordingTaskDefinitions refuse(String reason) {
        this.refusal = reason;
        return this;
    }

    @Override
    public String register(TaskDefinitionSpec spec) {
        if (refusal != null) {
            throw new io.conveyor.registration.TaskDefinitionRejectedException(refusal, null);
        }
        long number = revisions.stream().filter(r -> r.spec().family().equals(spec.family())).count() + 1;
        String arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + spec.family() + ":" + number;
        revisions.add(new Revision(arn, spec, true));
        return arn;
    }

    @Override
    public List<String> activeRevisions(String family) {
        return revisions.stream().filter(r -> r.active() && r.spec().family().equals(family)).map(Revision::arn).toList();
    }

    @Override
    public void deregister(String taskDefinitionArn) {
        revisions.replaceAll(r -> r.arn().equals(taskDefinitionArn) ? new Revision(r.arn(), r.spec(), false) : r);
    }

    /** Every revision ever registered, in order. */
    public List<Revision> revisions() {
        return List.copyOf(revisions);
    }
}
