package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.cli.template.SamTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link StackTemplate} resolves a template: every intrinsic form {@code template.yaml} uses, and more. */
class StackTemplateTest {

    static final Path HOME = Path.of(System.getProperty("conveyor.home", "..")).toAbsolutePath().normalize();

    static StackTemplate project() throws IOException {
        return StackTemplate.builder(SamTemplate.read(HOME.resolve("template.yaml"))).build();
    }

    private static StackTemplate.Builder template(Path dir, String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return StackTemplate.builder(SamTemplate.read(file));
    }

    /** What exists so far, as StackBuilder would have made it. */
    private static Map<String, SandboxStack.Resource> made(SandboxStack.Resource... resources) {
        Map<String, SandboxStack.Resource> made = new HashMap<>();
        for (SandboxStack.Resource resource : resources) {
            made.put(resource.logicalId(), resource);
        }
        return made;
    }

    private static final String SMALL = """
            Parameters:
              Level:
                Type: String
                Default: debug
                AllowedValues: [debug, info]
              Count:
                Type: Number
                Default: 3
                MinValue: 1
              Subnets:
                Type: CommaDelimitedList
                Default: "a,b,c"
              Ami:
                Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
                Default: /aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id
            Conditions:
              IsDebug: !Equals [!Ref Level, debug]
              NotDebug: !Not [!Equals [!Ref Level, debug]]
              Both: !And [{Condition: IsDebug}, !Equals [!Ref Count, 3]]
              Either: !Or [{Condition: NotDebug}, !Equals ["x", "y"]]
              HasB: !Contains [!Ref Subnets, b]
            Resources:
              Queue:
                Type: AWS::SQS::Queue
              OnlyWhenInfo:
                Type: AWS::SQS::Queue
                Condition: NotDebug
              Thing:
                Type: AWS::Test::Thing
                DependsOn: Other
                Properties:
                  Name: !Sub "${AWS::StackName}-${AWS::Region}-${AWS::AccountId}-${AWS::Partition}"
                  QueueUrl: !Ref Queue
                  ShortArn: !GetAtt Queue.Arn
                  LongArn: {"Fn::GetAtt": [Queue, Arn]}
                  Subbed: !Sub "${Queue} ${Queue.Arn} ${Level} ${!Literal}"
                  SubbedWithVariables: !Sub ["${Greeting}, ${Who}", {Greeting: hello, Who: !Ref Level}]
                  Joined: !Join [",", !Ref Subnets]
                  Selected: !Select [1, !Ref Subnets]
                  SelectedFromSplit: !Select [2, !Split ["-", "x-y-z"]]
                  Chosen: !If [IsDebug, yes-debug, no-debug]
                  Dropped: !If [IsDebug, !Ref AWS::NoValue, kept]
                  List: [one, !If [NotDebug, two, !Ref AWS::NoValue], three]
                  Encoded:
                    Fn::Base64: !Sub "cluster=${Queue}"
                  Image: !Ref Ami
                  Number: !Ref Count
              Other:
                Type: AWS::Test::Thing
            """;

    @Test
    void resolve_everyIntrinsicForm_givesWhatCloudFormationWould(@TempDir Path dir) throws IOException {
        // Given the small template, with the queue made
        StackTemplate stack = template(dir, SMALL).stackName("demo").build();
        SandboxStack.Resource queue = new SandboxStack.Resource("Queue", "AWS::SQS::Queue", "http://q/demo-Queue",
                Map.of("Arn", "arn:aws:sqs:us-east-1:123456789012:demo-Queue"));
        StackTemplate.Declared thing = stack.resources().stream().filter(r -> r.logicalId().equals("Thing")).findFirst().orElseThrow();

        // When
        Map<String, Object> properties = stack.properties(thing, made(queue));

        // Then
        assertThat(properties).containsEntry("Name", "demo-us-east-1-123456789012-aws")
                .containsEntry("QueueUrl", "http://q/demo-Queue")
                .containsEntry("ShortArn", "arn:aws:sqs:us-east-1:123456789012:demo-Queue")
                .containsEntry("LongArn", "arn:aws:sqs:us-east-1:123456789012:demo-Queue")
                .containsEntry("Subbed", "http://q/demo-Queue arn:aws:sqs:us-east-1:123456789012:demo-Queue debug ${Literal}")
                .containsEntry("SubbedWithVariables", "hello, debug")
                .containsEntry("Joined", "a,b,c")
                .containsEntry("Selected", "b")
                .containsEntry("SelectedFromSplit", "z")
                .containsEntry("Chosen", "yes-debug")
                .containsEntry("List", List.of("one", "three"))
                .containsEntry("Encoded", Base64.getEncoder().encodeToString("cluster=http://q/demo-Queue".getBytes(StandardCharsets.UTF_8)))
                .containsEntry("Image", StackTemplate.ECS_AMI_STAND_IN)
                .containsEntry("Number", "3")
                .doesNotContainKey("Dropped");
    }

    @Test
    void conditions_everyFunction_evaluateAndDecideWhichResourcesExist(@TempDir Path dir) throws IOException {
        StackTemplate debug = template(dir, SMALL).build();
        StackTemplate info = template(dir, SMALL).parameter("Level", "info").build();

        assertThat(List.of(debug.condition("IsDebug"), debug.condition("NotDebug"), debug.condition("Both"),
                debug.condition("Either"), debug.condition("HasB"))).containsExactly(true, false, true, false, true);
        assertThat(List.of(info.condition("IsDebug"), info.condition("Both"), info.condition("Either"))).containsExactly(false, false, true);
        assertThat(debug.resources()).extracting(StackTemplate.Declared::logicalId).doesNotContain("OnlyWhenInfo");
        assertThat(info.resources()).extracting(StackTemplate.Declared::logicalId).contains("OnlyWhenInfo");
        assertThat(info.resolve("x", Map.of("Fn::If", List.of("IsDebug", "a", "b")), Map.of())).isEqualTo("b");
    }

    @Test
    void resources_referencesAndDependsOn_orderEachAfterWhatItNeeds(@TempDir Path dir) throws IOException {
        StackTemplate stack = template(dir, SMALL).build();

        assertThat(stack.resources()).extracting(StackTemplate.Declared::logicalId).containsExactly("Queue", "Other", "Thing");
        assertThat(stack.resources().get(2).after()).containsExactlyInAnyOrder("Queue", "Other");
    }

    @Test
    void resources_projectTemplate_eachAfterEverythingItNamesAndTheDefaultVpcLookupIncluded() throws IOException {
        StackTemplate stack = project();
        List<String> order = stack.resources().stream().map(StackTemplate.Declared::logicalId).toList();

        for (StackTemplate.Declared resource : stack.resources()) {
            resource.after().forEach(needed -> assertThat(order.indexOf(needed)).as(resource.logicalId() + " after " + needed)
                    .isLessThan(order.indexOf(resource.logicalId())));
        }
        assertThat(order.indexOf("JobsQueuePolicy")).isLessThan(order.indexOf("InputBucket"));
        assertThat(order.indexOf("TaskEventsQueue")).isLessThan(order.indexOf("TaskStateChangeRule"));
        assertThat(order.indexOf("DefaultVpcLookup")).isLessThan(order.indexOf("InstanceSecurityGroup"));
        assertThat(stack.condition("UsesDefaultVpc")).isTrue();
        assertThat(stack.condition("HasVpc")).isFalse();
    }

    @Test
    void parameters_projectTemplate_defaultsListsAndTheAmiStandIn() throws IOException {
        StackTemplate stack = project();

        assertThat(stack.parameters()).containsEntry("LogRetentionDays", "30").containsEntry("IdleMinutes", "10")
                .containsEntry("FleetMonitorSchedule", "rate(1 minute)").containsEntry("SubnetIds", List.of(""))
                .containsEntry("EcsAmiId", StackTemplate.ECS_AMI_STAND_IN);
        assertThat(StackTemplate.builder(SamTemplate.read(HOME.resolve("template.yaml"))).parameter("EcsAmiId", "ami-1").build()
                .parameters()).containsEntry("EcsAmiId", "ami-1");
    }

    @Test
    void build_valueOutsideItsConstraints_namesTheParameter(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> template(dir, SMALL).parameter("Level", "trace").build())
                .hasMessageContaining("Parameters.Level").hasMessageContaining("trace").hasMessageContaining("[debug, info]");
        assertThatThrownBy(() -> template(dir, SMALL).parameter("Count", "0").build())
                .hasMessageContaining("Parameters.Count").hasMessageContaining("MinValue 1");
        assertThatThrownBy(() -> template(dir, SMALL).parameter("Nope", "1").build())
                .hasMessageContaining("Parameters.Nope: no such parameter");
    }

    @Test
    void build_projectTemplateWithVpcButNoSubnets_failsWithItsRulesDescription() {
        assertThatThrownBy(() -> StackTemplate.builder(SamTemplate.read(HOME.resolve("template.yaml")))
                .parameter("VpcId", "vpc-1").build())
                .hasMessageContaining("Rules.SubnetsWithVpc").hasMessageContaining("With VpcId, give SubnetIds too");
    }

    @Test
    void resolve_resourceNotMadeYet_namesWhereAndWhat(@TempDir Path dir) throws IOException {
        StackTemplate stack = template(dir, SMALL).build();
        StackTemplate.Declared thing = stack.resources().stream().filter(r -> r.logicalId().equals("Thing")).findFirst().orElseThrow();

        assertThatThrownBy(() -> stack.properties(thing, Map.of()))
                .hasMessageContaining("Thing.Properties.QueueUrl: !Ref Queue refers to a resource that is not made (yet)");
        assertThatThrownBy(() -> stack.resolve("X.Properties.Y", Map.of("Ref", "Missing"), Map.of()))
                .hasMessageContaining("X.Properties.Y: !Ref Missing names no parameter, pseudo parameter or resource");
        assertThatThrownBy(() -> stack.resolve("X.Properties.Y", Map.of("Fn::FindInMap", List.of("a", "b", "c")), Map.of()))
                .hasMessageContaining("X.Properties.Y: Fn::FindInMap is not supported by the sandbox");
        assertThatThrownBy(() -> stack.resolve("X.Properties.Y", Map.of("Fn::Select", List.of(5, List.of("a"))), Map.of()))
                .hasMessageContaining("X.Properties.Y (Fn::Select): index 5 is outside the list [a]");
    }

    @Test
    void build_resourcesThatNeedEachOther_namesTheCycle(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> template(dir, """
                Resources:
                  A:
                    Type: AWS::SQS::Queue
                    Properties: {QueueName: !GetAtt B.QueueName}
                  B:
                    Type: AWS::SQS::Queue
                    DependsOn: A
                """).build()).hasMessageContaining("cycle").hasMessageContaining("A").hasMessageContaining("B");
    }

    @Test
    void resources_serverlessFunction_carriesGlobalsAsSamAppliesThem(@TempDir Path dir) throws IOException {
        StackTemplate stack = template(dir, """
                Globals:
                  Function:
                    Timeout: 60
                    Layers: [global-layer]
                    Environment:
                      Variables:
                        SHARED: from-globals
                        OVERRIDDEN: from-globals
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      Layers: [own-layer]
                      Environment:
                        Variables:
                          OVERRIDDEN: own
                          STACK: !Ref AWS::StackName
                  Long:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.C
                      Timeout: 900
                """).build();

        Map<String, Object> fn = stack.resources().get(0).properties();
        assertThat(fn).containsEntry("Timeout", 60).containsEntry("Layers", List.of("global-layer", "own-layer"));
        assertThat(stack.resolve("Fn.Properties.Environment", fn.get("Environment"), Map.of()))
                .isEqualTo(Map.of("Variables", Map.of("SHARED", "from-globals", "OVERRIDDEN", "own", "STACK", "sandbox")));
        assertThat(stack.resources().get(1).properties()).containsEntry("Timeout", 900);
    }

    @Test
    void resolve_projectUserData_isTheScriptWithTheClusterNamed() throws IOException {
        StackTemplate stack = project();
        StackTemplate.Declared launchTemplate = stack.resources().stream().filter(r -> r.logicalId().equals("LaunchTemplate"))
                .findFirst().orElseThrow();
        Map<String, SandboxStack.Resource> made = made(
                new SandboxStack.Resource("InstanceProfile", "AWS::IAM::InstanceProfile", "sandbox-InstanceProfile",
                        Map.of("Arn", "arn:aws:iam::123456789012:instance-profile/sandbox-InstanceProfile")),
                new SandboxStack.Resource("InstanceSecurityGroup", "AWS::EC2::SecurityGroup", "sandbox-InstanceSecurityGroup",
                        Map.of("GroupId", "sg-1", "VpcId", "vpc-1")),
                new SandboxStack.Resource("Cluster", "AWS::ECS::Cluster", "sandbox-Cluster", Map.of("Arn", "arn:cluster")));

        Map<String, Object> data = StackTemplate.asMap(stack.properties(launchTemplate, made).get("LaunchTemplateData"));

        String userData = new String(Base64.getDecoder().decode((String) data.get("UserData")), StandardCharsets.UTF_8);
        assertThat(userData).startsWith("#!/bin/bash\n").contains("ECS_CLUSTER=sandbox-Cluster\n");
        assertThat(data).containsEntry("ImageId", StackTemplate.ECS_AMI_STAND_IN)
                .containsEntry("SecurityGroupIds", List.of("sg-1"))
                .containsEntry("IamInstanceProfile", Map.of("Arn", "arn:aws:iam::123456789012:instance-profile/sandbox-InstanceProfile"));
        assertThat(data.get("TagSpecifications").toString()).contains("Value=sandbox-worker");
    }
}
