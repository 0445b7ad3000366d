package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.eventbridge.model.Target;

class SdkShapesTest {

    @Test
    void build_launchTemplateData_setsEveryMemberNestedListsIncluded() {
        Map<String, Object> data = Map.of(
                "ImageId", "ami-1",
                "IamInstanceProfile", Map.of("Arn", "arn:aws:iam::123456789012:instance-profile/p"),
                "SecurityGroupIds", List.of("sg-1"),
                "MetadataOptions", Map.of("HttpTokens", "required", "HttpPutResponseHopLimit", 1),
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/xvda",
                        "Ebs", Map.of("VolumeSize", "30", "Encrypted", true, "VolumeType", "gp3"))),
                "TagSpecifications", List.of(Map.of("ResourceType", "instance", "Tags", List.of(Map.of("Key", "k", "Value", "v")))));

        RequestLaunchTemplateData built = SdkShapes.build(RequestLaunchTemplateData::builder, "LT.Properties.LaunchTemplateData", data);

        assertThat(built.imageId()).isEqualTo("ami-1");
        assertThat(built.iamInstanceProfile().arn()).endsWith("instance-profile/p");
        assertThat(built.securityGroupIds()).containsExactly("sg-1");
        assertThat(built.metadataOptions().httpTokensAsString()).isEqualTo("required");
        assertThat(built.metadataOptions().httpPutResponseHopLimit()).isEqualTo(1);
        assertThat(built.blockDeviceMappings().get(0).ebs().volumeSize()).isEqualTo(30);
        assertThat(built.blockDeviceMappings().get(0).ebs().encrypted()).isTrue();
        assertThat(built.tagSpecifications().get(0).tags().get(0).value()).isEqualTo("v");
    }

    @Test
    void build_memberTheShapeLacks_namesThePropertyAndShape() {
        assertThatThrownBy(() -> SdkShapes.build(RequestLaunchTemplateData::builder, "LT.Properties.LaunchTemplateData",
                Map.of("MetadataOptions", Map.of("HttpTokenz", "required"))))
                .hasMessageContaining("LT.Properties.LaunchTemplateData.MetadataOptions.HttpTokenz: not a member of "
                        + "LaunchTemplateInstanceMetadataOptionsRequest");
        assertThatThrownBy(() -> SdkShapes.build(Target::builder, "Rule.Properties.Targets[0]", Map.of("Id", List.of("x"))))
                .hasMessageContaining("Rule.Properties.Targets[0].Id: expected a single value");
    }
}
