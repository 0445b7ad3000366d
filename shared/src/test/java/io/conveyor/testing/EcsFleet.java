package io.conveyor.testing;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

/**
 * Container instances in the emulator: EC2 instances registered with an ECS cluster, the way the
 * ECS agent registers them (by their instance identity document).
 */
public final class EcsFleet {

    private EcsFleet() {
    }

    /** Launches {@code count} EC2 instances and registers each with the cluster; returns their ids. */
    public static List<String> launchContainerInstances(Ec2Client ec2, EcsClient ecs, String cluster, int count) {
        String imageId = ec2.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        List<String> ids = new ArrayList<>();
        ec2.runInstances(r -> r.imageId(imageId).instanceType(InstanceType.C5_LARGE).minCount(count).maxCount(count))
                .instances().forEach(instance -> ids.add(instance.instanceId()));
        for (String id : ids) {
            String document = "{\"instanceId\":\"" + id + "\",\"region\":\"" + Emulator.REGION
                    + "\",\"instanceType\":\"c5.large\",\"availabilityZone\":\"us-east-1a\"}";
            ecs.registerContainerInstance(r -> r.cluster(cluster).instanceIdentityDocument(document));
        }
        return List.copyOf(ids);
    }

    /** Starts one small task on the container instance of an EC2 instance; returns that instance id. */
    public static String startTaskOn(EcsClient ecs, String cluster, String ec2InstanceId) {
        String family = "conveyor-probe";
        ecs.registerTaskDefinition(r -> r.family(family).networkMode(NetworkMode.BRIDGE)
                .containerDefinitions(c -> c.name("probe").image("public.ecr.aws/docker/library/busybox:1.36")
                        .cpu(128).memory(128).essential(true)));
        List<String> arns = ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
        String arn = ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
                .containerInstances().stream().filter(ci -> ci.ec2InstanceId().equals(ec2InstanceId))
                .findFirst().orElseThrow().containerInstanceArn();
        ecs.startTask(r -> r.cluster(cluster).taskDefinition(family).containerInstances(arn).startedBy("job-probe"));
        return ec2InstanceId;
    }
}
