package io.conveyor.cli.sandbox;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;

/** Makes {@code AWS::EC2::SecurityGroup}s and {@code AWS::EC2::LaunchTemplate}s as declared. */
final class Ec2Resources {

    private final Ec2Client ec2;

    Ec2Resources(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /**
     * A group in the declared VPC, or in the default VPC without one (moto has a default VPC, as an account
     * does). Declared egress rules replace EC2's allow-all one, as CloudFormation does.
     */
    SandboxStack.Resource securityGroup(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("GroupName", "GroupDescription", "VpcId", "SecurityGroupIngress", "SecurityGroupEgress", "Tags");
        String name = properties.optionalString("GroupName").orElse(stack.stackName() + "-" + declared.logicalId());
        List<Tag> tags = properties.maps("Tags").stream().map(tag -> Tag.builder().key(tag.string("Key")).value(tag.string("Value")).build())
                .toList();
        String groupId = ec2.createSecurityGroup(r -> {
            r.groupName(name).description(properties.string("GroupDescription")).vpcId(properties.optionalString("VpcId").orElse(null));
            if (!tags.isEmpty()) {
                r.tagSpecifications(t -> t.resourceType(ResourceType.SECURITY_GROUP).tags(tags));
            }
        }).groupId();
        List<IpPermission> ingress = permissions(properties, "SecurityGroupIngress");
        if (!ingress.isEmpty()) {
            ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(ingress));
        }
        if (properties.has("SecurityGroupEgress")) {
            List<IpPermission> egress = permissions(properties, "SecurityGroupEgress");
            if (!egress.isEmpty()) {
                ec2.authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(egress));
            }
            IpPermission allowAll = IpPermission.builder().ipProtocol("-1").ipRanges(range -> range.cidrIp("0.0.0.0/0")).build();
            if (egress.stream().noneMatch(allowAll::equals)) {
                ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(allowAll));
            }
        }
        SecurityGroup group = ec2.describeSecurityGroups(r -> r.groupIds(groupId)).securityGroups().get(0);
        // Ref gives the id for a group declared in a VPC, its name otherwise (CloudFormation's rule).
        String physicalId = properties.has("VpcId") ? groupId : name;
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), physicalId,
                Map.of("GroupId", groupId, "VpcId", group.vpcId()));
    }

    private static List<IpPermission> permissions(PropertyMap properties, String name) {
        return properties.maps(name).stream().map(rule -> {
            rule.supportOnly("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6", "Description",
                    "DestinationSecurityGroupId", "SourceSecurityGroupId");
            IpPermission.Builder permission = IpPermission.builder().ipProtocol(rule.string("IpProtocol"))
                    .fromPort(rule.optionalInteger("FromPort").orElse(null)).toPort(rule.optionalInteger("ToPort").orElse(null));
            String description = rule.optionalString("Description").orElse(null);
            rule.optionalString("CidrIp").ifPresent(cidr -> permission.ipRanges(range -> range.cidrIp(cidr).description(description)));
            rule.optionalString("CidrIpv6").ifPresent(cidr -> permission.ipv6Ranges(range -> range.cidrIpv6(cidr).description(description)));
            rule.optionalString("DestinationSecurityGroupId").or(() -> rule.optionalString("SourceSecurityGroupId"))
                    .ifPresent(group -> permission.userIdGroupPairs(pair -> pair.groupId(group).description(description)));
            return permission.build();
        }).toList();
    }

    /** The launch template with its data as declared: CloudFormation's {@code LaunchTemplateData} is EC2's. */
    SandboxStack.Resource launchTemplate(StackTemplate.Declared declared, PropertyMap properties, StackTemplate stack) {
        properties.supportOnly("LaunchTemplateName", "LaunchTemplateData", "VersionDescription");
        String name = properties.optionalString("LaunchTemplateName").orElse(stack.stackName() + "-" + declared.logicalId());
        PropertyMap data = properties.map("LaunchTemplateData");
        RequestLaunchTemplateData request = SdkShapes.build(RequestLaunchTemplateData::builder, data.where(), data.values());
        var template = ec2.createLaunchTemplate(r -> r.launchTemplateName(name).launchTemplateData(request)
                .versionDescription(properties.optionalString("VersionDescription").orElse(null))).launchTemplate();
        Map<String, String> attributes = new HashMap<>();
        attributes.put("LaunchTemplateId", template.launchTemplateId());
        attributes.put("DefaultVersionNumber", String.valueOf(template.defaultVersionNumber()));
        attributes.put("LatestVersionNumber", String.valueOf(template.latestVersionNumber()));
        return new SandboxStack.Resource(declared.logicalId(), declared.type(), template.launchTemplateId(), attributes);
    }
}
