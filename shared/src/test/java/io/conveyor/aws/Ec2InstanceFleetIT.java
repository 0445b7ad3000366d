package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.testing.AwsEmulator;
import io.conveyor.testing.Emulator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Launches on moto's EC2 from a launch template, as dispatch does. */
@AwsEmulator
class Ec2InstanceFleetIT {

    @Test
    void launchFor_oneAlgorithm_instancesCarryTheStackAndAlgorithmTags(Emulator emulator) {
        try (Ec2Client ec2 = emulator.clients().ec2()) {
            // Given the stack's launch template
            String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
            String template = ec2.createLaunchTemplate(r -> r.launchTemplateName("conveyor-it")
                    .launchTemplateData(d -> d.imageId(imageId))).launchTemplate().launchTemplateId();
            Ec2InstanceFleet fleet = new Ec2InstanceFleet(ec2, "conveyor-it", template, "$Latest", List.of());

            // When dispatch launches for word-count's jobs alone, and then for several algorithms
            List<String> forOne = fleet.launchFor("word-count", "t3.micro", 1, "token-1");
            List<String> plain = fleet.launch("t3.micro", 1, "token-2");

            // Then the first carries both tags, and is the stack's; the other carries no algorithm's
            assertThat(tags(ec2, forOne.get(0))).containsEntry("conveyor:stack", "conveyor-it")
                    .containsEntry("conveyor:algorithm", "word-count");
            assertThat(tags(ec2, plain.get(0))).doesNotContainKey("conveyor:algorithm");
            assertThat(fleet.instances()).extracting(i -> i.instanceId()).contains(forOne.get(0));
        }
    }

    private static Map<String, String> tags(Ec2Client ec2, String instanceId) {
        Instance instance = ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0);
        return instance.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }
}
