package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.allowing;
import static io.conveyor.cli.template.TemplateFixtures.condition;
import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.sub;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.aws.Ec2InstanceFleet;
import io.conveyor.aws.S3CapacityLease;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.storage.BucketLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capacity dispatch creates, read off the template: container instances that join the cluster
 * and keep their containers away from the instance role, and a dispatch role that can launch them only
 * from the stack's launch template, start only the stack's instances and start only the stack's tasks.
 */
class TemplateCapacityTest {

    private static final String LAUNCH_TEMPLATE_ARN =
            "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:launch-template/${LaunchTemplate}";
    private static final Intrinsic STACK_NAME = new Intrinsic("Ref", "AWS::StackName");
    private static final Intrinsic CLUSTER_ARN = new Intrinsic("GetAtt", "Cluster.Arn");

    @Test
    @SuppressWarnings("unchecked")
    void template_instanceTypeParameter_allowsExactlyTheTypesDispatchKnowsTheSizeOf() throws IOException {
        Map<String, Object> parameter = (Map<String, Object>) ((Map<String, Object>) template().raw().get("Parameters"))
                .get("InstanceType");
        java.util.Set<String> sized = io.conveyor.descriptor.InstanceTypes.all().values().stream()
                .filter(type -> type.gpus() == 0).map(io.conveyor.descriptor.InstanceTypes.Capacity::type)
                .collect(java.util.stream.Collectors.toSet());

        assertThat((List<String>) parameter.get("AllowedValues")).containsExactlyInAnyOrderElementsOf(sized)
                .contains((String) parameter.get("Default"));
    }

    @Test
    void template_launchTemplate_requiresImdsV2AndJoinsTheCluster() throws IOException {
        SamTemplate template = template();
        Map<String, Object> data = launchTemplateData(template);

        // IMDSv2 only, and one hop: bridge-mode containers cannot reach the instance role
        assertThat(map(data.get("MetadataOptions"))).containsEntry("HttpTokens", "required")
                .containsEntry("HttpEndpoint", "enabled").containsEntry("HttpPutResponseHopLimit", 1);

        // The agent's configuration, last value of each setting winning as in ecs.config
        String script = script(data.get("UserData"));
        assertThat(script).contains("/etc/ecs/ecs.config");
        Map<String, String> config = new HashMap<>();
        script.lines().map(String::strip).filter(line -> line.matches("ECS_[A-Z_]+=.*"))
                .forEach(line -> config.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
        assertThat(config).containsEntry("ECS_CLUSTER", "${Cluster}").containsEntry("ECS_DISABLE_PRIVILEGED", "true")
                .containsEntry("ECS_ENABLE_TASK_IAM_ROLE", "true");
        assertThat(template.resources().get("Cluster")).containsEntry("Type", "AWS::ECS::Cluster");

        // The ECS AMI, with the instance role
        assertThat(data.get("ImageId")).isEqualTo(new Intrinsic("Ref", "EcsAmiId"));
        assertThat(map(data.get("IamInstanceProfile"))).containsEntry("Arn", new Intrinsic("GetAtt", "InstanceProfile.Arn"));
        assertThat(map(template.resources().get("InstanceProfile").get("Properties")).get("Roles"))
                .isEqualTo(List.of(new Intrinsic("Ref", "InstanceRole")));
    }

    @Test
    void template_launchTemplate_encryptsItsVolumesAndTagsTheStack() throws IOException {
        Map<String, Object> data = launchTemplateData(template());

        assertThat(list(data.get("BlockDeviceMappings"))).isNotEmpty()
                .allSatisfy(mapping -> assertThat(map(map(mapping).get("Ebs"))).containsEntry("Encrypted", true));

        // Dispatch finds its instances by this tag and starts stopped ones only with it
        Map<String, Object> tagged = new LinkedHashMap<>();
        list(data.get("TagSpecifications")).forEach(specification -> list(map(specification).get("Tags")).stream()
                .map(TemplateFixtures::map).filter(tag -> Ec2InstanceFleet.STACK_TAG.equals(tag.get("Key")))
                .forEach(tag -> tagged.put(String.valueOf(map(specification).get("ResourceType")), tag.get("Value"))));
        assertThat(tagged).containsEntry("instance", STACK_NAME).containsEntry("volume", STACK_NAME);

        // Dispatch chooses the instance type per launch
        assertThat(data).doesNotContainKey("InstanceType");
    }

    @Test
    void template_instanceSecurityGroup_admitsNothingAndSendsOnlyHttps() throws IOException {
        SamTemplate template = template();
        Map<String, Object> group = map(template.resources().get("InstanceSecurityGroup").get("Properties"));

        assertThat(group).doesNotContainKey("SecurityGroupIngress");
        assertThat(template.resources().values()).noneSatisfy(resource ->
                assertThat(resource.get("Type")).isEqualTo("AWS::EC2::SecurityGroupIngress"));
        // Without egress rules a group allows everything out
        assertThat(list(group.get("SecurityGroupEgress"))).isNotEmpty().allSatisfy(rule -> assertThat(map(rule))
                .containsEntry("IpProtocol", "tcp").containsEntry("FromPort", 443).containsEntry("ToPort", 443));
        assertThat(launchTemplateData(template).get("SecurityGroupIds"))
                .isEqualTo(List.of(new Intrinsic("GetAtt", "InstanceSecurityGroup.GroupId")));
    }

    @Test
    void template_instanceRole_actsOnlyOnTheCluster() throws IOException {
        SamTemplate template = template();
        Map<String, Object> role = map(template.resources().get("InstanceRole").get("Properties"));
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template).stream()
                .filter(entry -> entry.getKey().equals("InstanceRole")).map(Map.Entry::getValue).toList();

        // No managed policy: AmazonEC2ContainerServiceforEC2Role allows ecs:CreateCluster and more on "*"
        assertThat(role).doesNotContainKey("ManagedPolicyArns");
        assertThat(statements).isNotEmpty().allSatisfy(statement -> assertThat(resources(statement))
                .allSatisfy(resource -> assertThat(resource).satisfiesAnyOf(
                        arn -> assertThat(arn).isEqualTo(CLUSTER_ARN),
                        arn -> assertThat(sub(arn)).endsWith(":container-instance/${Cluster}/*"),
                        arn -> assertThat(TemplatePoliciesTest.strings(statement.get("Action"))).containsOnly("ecs:DiscoverPollEndpoint"))));
        assertThat(statements.stream().flatMap(statement -> TemplatePoliciesTest.strings(statement.get("Action")).stream()))
                .contains("ecs:RegisterContainerInstance", "ecs:Poll", "ecs:DiscoverPollEndpoint");
    }

    @Test
    void template_startTask_isLimitedToTheStacksFamiliesAndTheCluster() throws IOException {
        List<Map<String, Object>> statements = allowing(template(), null, "ecs:StartTask");

        assertThat(statements).isNotEmpty().allSatisfy(statement -> {
            assertThat(resources(statement)).isNotEmpty().allSatisfy(resource ->
                    assertThat(sub(resource)).endsWith(":task-definition/${AWS::StackName}-*"));
            assertThat(condition(statement, "ArnEquals", "ecs:cluster")).isEqualTo(CLUSTER_ARN);
        });
    }

    @Test
    void template_runInstances_isOnlyThroughTheLaunchTemplate() throws IOException {
        List<Map<String, Object>> statements = allowing(template(), null, "ec2:RunInstances");

        assertThat(statements).isNotEmpty().allMatch(TemplateCapacityTest::launchesOnlyThroughTheLaunchTemplate);
        // Both halves of the pattern: the template itself, and the launch's other resources through it
        assertThat(statements).anyMatch(statement -> resources(statement).equals(List.of(new Intrinsic("Sub",
                LAUNCH_TEMPLATE_ARN))));
        assertThat(statements).anyMatch(statement -> resources(statement).stream().map(TemplateFixtures::sub)
                .anyMatch(arn -> arn.endsWith(":instance/*")));
    }

    @Test
    void launchesOnlyThroughTheLaunchTemplate_otherLaunches_areRefused(@TempDir Path dir) throws IOException {
        SamTemplate loose = TemplatePoliciesTest.looseFunction(dir, """
                - Sid: AnyImage
                  Effect: Allow
                  Action: ec2:RunInstances
                  Resource: !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}::image/*"
                - Sid: AnyLaunchTemplate
                  Effect: Allow
                  Action: ec2:RunInstances
                  Resource: !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"
                  Condition:
                    ArnLike:
                      ec2:LaunchTemplate: !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:launch-template/*"
                - Sid: TemplateAndMore
                  Effect: Allow
                  Action: ec2:RunInstances
                  Resource:
                    - !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:launch-template/${LaunchTemplate}"
                    - !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:volume/*"
                """);

        assertThat(allowing(loose, null, "ec2:RunInstances")).hasSize(3)
                .noneMatch(TemplateCapacityTest::launchesOnlyThroughTheLaunchTemplate);
    }

    @Test
    void template_startInstances_needsTheStackTag() throws IOException {
        List<Map<String, Object>> statements = allowing(template(), null, "ec2:StartInstances");

        assertThat(statements).isNotEmpty().allSatisfy(statement -> assertThat(
                condition(statement, "StringEquals", "aws:ResourceTag/" + Ec2InstanceFleet.STACK_TAG)).isEqualTo(STACK_NAME));
    }

    @Test
    void template_dispatchEnvironment_isTheTenVariablesWiredToTheStack() throws IOException {
        FunctionSpec dispatch = template().function("dispatch").orElseThrow();
        Map<String, Object> environment = new LinkedHashMap<>(dispatch.environment());
        environment.keySet().removeAll(TemplateContract.JVM_VARIABLES);

        assertThat(environment).containsOnlyKeys("OUTPUT_BUCKET", "CLUSTER_NAME", "STACK_NAME", "CAPACITY_QUEUE_URL",
                        "DEAD_LETTER_QUEUE_URL", "JOBS_QUEUE_URL", "JOB_INDEX_TABLE", "JOB_EVENTS", "JOB_EVENTS_BUS", "DISPATCH_MAX_CONCURRENCY",
                        "ECS_STARTS_PER_SECOND")
                .containsEntry("JOB_INDEX_TABLE", new Intrinsic("Ref", "JobIndexTable"))
                .containsEntry("DISPATCH_MAX_CONCURRENCY", new Intrinsic("Ref", "DispatchMaxConcurrency"))
                .containsEntry("ECS_STARTS_PER_SECOND", new Intrinsic("Ref", "EcsStartsPerSecond"))
                .containsEntry("OUTPUT_BUCKET", new Intrinsic("Ref", "OutputBucket"))
                .containsEntry("CLUSTER_NAME", new Intrinsic("Ref", "Cluster"))
                .containsEntry("STACK_NAME", STACK_NAME)
                .containsEntry("CAPACITY_QUEUE_URL", new Intrinsic("Ref", "CapacityQueue"))
                .containsEntry("DEAD_LETTER_QUEUE_URL", new Intrinsic("Ref", "JobsDeadLetterQueue"));
    }

    @Test
    void template_capacityEnvironment_isTheLaunchSettingsWiredToTheStack() throws IOException {
        FunctionSpec capacity = template().function("capacity").orElseThrow();
        Map<String, Object> environment = new LinkedHashMap<>(capacity.environment());
        environment.keySet().removeAll(TemplateContract.JVM_VARIABLES);

        assertThat(environment).containsOnlyKeys("OUTPUT_BUCKET", "CLUSTER_NAME", "STACK_NAME", "LAUNCH_TEMPLATE_ID",
                        "LAUNCH_TEMPLATE_VERSION", "SUBNET_IDS", "MAX_INSTANCES", "INSTANCE_TYPE")
                .containsEntry("LAUNCH_TEMPLATE_ID", new Intrinsic("Ref", "LaunchTemplate"))
                .containsEntry("LAUNCH_TEMPLATE_VERSION", new Intrinsic("GetAtt", "LaunchTemplate.LatestVersionNumber"))
                .containsEntry("SUBNET_IDS", new Intrinsic("Join", List.of(",", new Intrinsic("Ref", "SubnetIds"))))
                .containsEntry("MAX_INSTANCES", new Intrinsic("Ref", "MaxInstances"))
                .containsEntry("INSTANCE_TYPE", new Intrinsic("Ref", "InstanceType"));
    }

    @Test
    void template_ec2Actions_areTheCapacityFunctionsAndTheTeardownsAndFleetMonitorsOnly() throws IOException {
        // Given every statement of every function
        Set<String> withEc2 = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> TemplatePoliciesTest.strings(entry.getValue().get("Action")).stream()
                        .anyMatch(action -> action.startsWith("ec2:")))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());

        // Then dispatch has none: it asks the capacity function over its queue, and that function alone launches
        assertThat(withEc2).doesNotContain("DispatchFunction").contains("CapacityFunction");
        assertThat(TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> TemplatePoliciesTest.strings(entry.getValue().get("Action")).contains("ec2:RunInstances"))
                .map(Map.Entry::getKey).distinct()).containsExactly("CapacityFunction");
        assertThat(TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("DispatchFunction"))
                .filter(entry -> TemplatePoliciesTest.strings(entry.getValue().get("Action")).contains("sqs:SendMessage"))
                .flatMap(entry -> resources(entry.getValue()).stream()))
                .contains(new Intrinsic("GetAtt", "CapacityQueue.Arn"));
    }

    @Test
    void template_capacityQueue_triggersTheCapacityFunctionWithPartialFailuresAndADeadLetterQueue() throws IOException {
        Map<String, Map<String, Object>> resources = template().resources();
        Map<?, ?> queue = (Map<?, ?>) ((Map<?, ?>) resources.get("CapacityQueue")).get("Properties");
        Map<?, ?> redrive = (Map<?, ?>) queue.get("RedrivePolicy");
        Map<?, ?> function = (Map<?, ?>) ((Map<?, ?>) resources.get("CapacityFunction")).get("Properties");
        Map<?, ?> trigger = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) function.get("Events")).get("Needs")).get("Properties");

        assertThat(redrive.get("deadLetterTargetArn")).isEqualTo(new Intrinsic("GetAtt", "CapacityDeadLetterQueue.Arn"));
        assertThat(redrive.get("maxReceiveCount")).isEqualTo(3);
        assertThat(trigger.get("Queue")).isEqualTo(new Intrinsic("GetAtt", "CapacityQueue.Arn"));
        assertThat(trigger.get("FunctionResponseTypes")).isEqualTo(List.of("ReportBatchItemFailures"));
        // at least six times the function's timeout (60 s from Globals)
        assertThat(((Number) queue.get("VisibilityTimeout")).intValue()).isGreaterThanOrEqualTo(360);
    }

    @Test
    void template_capacityS3Access_isTheLeaseOnly() throws IOException {
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("CapacityFunction")).map(Map.Entry::getValue).toList();
        Map<String, Set<String>> actionsByObject = new HashMap<>();
        statements.forEach(statement -> resources(statement).forEach(resource -> actionsByObject
                .computeIfAbsent(sub(resource), key -> new java.util.HashSet<>()).addAll(TemplatePoliciesTest.strings(statement.get("Action")))));

        assertThat(actionsByObject.get("${OutputBucket.Arn}/" + S3CapacityLease.KEY))
                .containsExactlyInAnyOrder("s3:GetObject", "s3:PutObject");
        assertThat(actionsByObject.keySet()).noneMatch(key -> key.contains(BucketLayout.JOBS_PREFIX));
    }

    @Test
    void template_dispatchS3Access_coversTheKeysTheCodeWrites() throws IOException {
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("DispatchFunction")).map(Map.Entry::getValue).toList();
        Map<String, Set<String>> actionsByObject = new HashMap<>();
        statements.forEach(statement -> resources(statement).forEach(resource -> actionsByObject
                .computeIfAbsent(sub(resource), key -> new java.util.HashSet<>()).addAll(TemplatePoliciesTest.strings(statement.get("Action")))));

        assertThat(actionsByObject.get("${OutputBucket.Arn}/" + ObjectStoreRegistry.ALGORITHMS + "*"))
                .contains("s3:GetObject");
        assertThat(actionsByObject.get("${OutputBucket.Arn}/" + BucketLayout.JOBS_PREFIX + "*"))
                .contains("s3:GetObject", "s3:PutObject");
        assertThat(actionsByObject).doesNotContainKey("${OutputBucket.Arn}/" + S3CapacityLease.KEY);
    }

    /**
     * Whether a RunInstances statement allows launches only from the stack's launch template: it names
     * that template alone, or it requires it (ec2:LaunchTemplate) for everything it names.
     */
    static boolean launchesOnlyThroughTheLaunchTemplate(Map<String, Object> statement) {
        Intrinsic launchTemplate = new Intrinsic("Sub", LAUNCH_TEMPLATE_ARN);
        return resources(statement).equals(List.of(launchTemplate))
                || launchTemplate.equals(condition(statement, "ArnLike", "ec2:LaunchTemplate"))
                || launchTemplate.equals(condition(statement, "ArnEquals", "ec2:LaunchTemplate"));
    }

    private static Map<String, Object> launchTemplateData(SamTemplate template) {
        return map(map(template.resources().get("LaunchTemplate").get("Properties")).get("LaunchTemplateData"));
    }

    private static List<Object> resources(Map<String, Object> statement) {
        Object resource = statement.get("Resource");
        return resource instanceof List<?> several ? List.copyOf(several) : List.of(resource);
    }

    /** The script inside user data, through {@code Fn::Base64} and {@code Fn::Sub} in either form. */
    private static String script(Object userData) {
        return switch (userData) {
            case String text -> text;
            case Intrinsic intrinsic -> script(intrinsic.argument());
            case Map<?, ?> function when function.size() == 1 -> script(function.values().iterator().next());
            case null, default -> throw new AssertionError("user data is not a script: " + userData);
        };
    }

    private static List<?> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<?>) value;
    }
}
