package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.jobs.PinnedTaskDefinitions;
import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

@AwsEmulator
class EcsPinnedTaskDefinitionsIT {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void pin_inactiveRevision_registersTheSameFamilyWithTheAlgorithmImageByDigestAndTags(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs()) {
            // Given revision 1 of a stack's family, tagged, then deregistered (INACTIVE) after revision 2 came
            String original = ecs.registerTaskDefinition(r -> r.family("conveyor-wc").networkMode(NetworkMode.BRIDGE)
                    .taskRoleArn("arn:aws:iam::123456789012:role/task")
                    .executionRoleArn("arn:aws:iam::123456789012:role/execution")
                    .containerDefinitions(
                            c -> c.name("stage-in").image("public.ecr.aws/aws-cli/aws-cli:2.22.35").memory(128),
                            c -> c.name("algorithm").image("registry.example:5000/team/wc:1.0").cpu(256).memory(512)
                                    .command("wc", "-l"))
                    .tags(Tag.builder().key("conveyor:algorithm").value("wc").build()))
                    .taskDefinition().taskDefinitionArn();
            ecs.registerTaskDefinition(r -> r.family("conveyor-wc").containerDefinitions(
                    c -> c.name("algorithm").image("registry.example:5000/team/wc:2.0").memory(512)));
            ecs.deregisterTaskDefinition(r -> r.taskDefinition(original));

            // When attempt 1's digest is pinned
            String pinned = new EcsPinnedTaskDefinitions(ecs).pin(original, "algorithm", DIGEST, "job-0123");

            // Then a third revision of the family runs the image by digest, the rest as it was, tagged
            assertThat(pinned).endsWith(":task-definition/conveyor-wc:3");
            DescribeTaskDefinitionResponse described = ecs.describeTaskDefinition(r -> r.taskDefinition(pinned)
                    .include(TaskDefinitionField.TAGS));
            Map<String, String> images = described.taskDefinition().containerDefinitions().stream()
                    .collect(Collectors.toMap(ContainerDefinition::name, ContainerDefinition::image));
            assertThat(images).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "stage-in", "public.ecr.aws/aws-cli/aws-cli:2.22.35",
                    "algorithm", "registry.example:5000/team/wc@" + DIGEST));
            assertThat(described.taskDefinition().containerDefinitions().get(1).command()).containsExactly("wc", "-l");
            assertThat(described.taskDefinition().taskRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/task");
            assertThat(described.taskDefinition().executionRoleArn())
                    .isEqualTo("arn:aws:iam::123456789012:role/execution");
            assertThat(described.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value)))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("conveyor:algorithm", "wc",
                            EcsPinnedTaskDefinitions.PINNED_FROM, original, EcsPinnedTaskDefinitions.JOB, "job-0123"));
        }
    }

    @Test
    void pin_unknownTaskDefinition_isRefusedNamingIt(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs()) {
            String missing = "arn:aws:ecs:us-east-1:123456789012:task-definition/conveyor-none:4";

            assertThatThrownBy(() -> new EcsPinnedTaskDefinitions(ecs).pin(missing, "algorithm", DIGEST, "job-1"))
                    .isInstanceOf(PinnedTaskDefinitions.PinRefusedException.class)
                    .hasMessageStartingWith("the task definition " + missing + " cannot be described");
        }
    }

    @Test
    void pin_digestThatIsNoSha256_isRefusedBeforeAnyCall(Emulator emulator) {
        try (EcsClient ecs = emulator.clients().ecs()) {
            assertThatThrownBy(() -> new EcsPinnedTaskDefinitions(ecs).pin("arn:td/x:1", "algorithm",
                    "sha256:abc;rm -rf /", "job-1"))
                    .isInstanceOf(PinnedTaskDefinitions.PinRefusedException.class)
                    .hasMessageContaining("is not sha256:<64 hex digits>");
        }
    }
}
