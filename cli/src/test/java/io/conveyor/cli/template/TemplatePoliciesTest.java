package io.conveyor.cli.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege, read off every IAM statement in the template: no wildcard actions, {@code "*"}
 * resources only for actions that take no resource-level permissions, {@code iam:PassRole} only for
 * Conveyor's own roles and each only to the one service that uses it.
 */
class TemplatePoliciesTest {

    /** Actions the Service Authorization Reference lists without resource types. */
    static final Set<String> RESOURCELESS = Set.of("ecs:DeregisterTaskDefinition", "ecs:ListTaskDefinitions",
            "ecs:ListTaskDefinitionFamilies",
            "ecr:GetAuthorizationToken", "ecs:DiscoverPollEndpoint", "ec2:DescribeInstances");
    /**
     * Actions allowed on {@code "*"} only with the named condition key. ecs:ListTasks lists
     * container-instance as its resource type, but a call that does not filter by container instance
     * (dispatch filters by startedBy) is authorized on {@code "*"}; only ecs:cluster then scopes it.
     * cloudwatch:PutMetricData has no resource type; its namespace condition scopes it.
     */
    static final Map<String, String> RESOURCELESS_WITH_CONDITION = Map.of("ecs:ListTasks", "ecs:cluster",
            "cloudwatch:PutMetricData", "cloudwatch:namespace");
    /** Conveyor's roles that may be passed, each to the one service that uses it. */
    static final Map<String, String> PASSABLE_ROLES = Map.of(
            "TaskRole.Arn", "ecs-tasks.amazonaws.com",
            "ExecutionRole.Arn", "ecs-tasks.amazonaws.com",
            "InstanceRole.Arn", "ec2.amazonaws.com");

    /** Every statement of the template's roles and functions, with where it stands. */
    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Map<String, Object>>> statements(SamTemplate template) {
        List<Map.Entry<String, Map<String, Object>>> found = new ArrayList<>();
        template.resources().forEach((id, resource) -> {
            Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            Object policies = properties.get("Policies");
            if (!(policies instanceof List<?> list)) {
                return;
            }
            for (Object policy : list) {
                if (!(policy instanceof Map<?, ?> map)) {
                    continue;
                }
                Object document = map.containsKey("PolicyDocument") ? map.get("PolicyDocument") : map;
                Object statementList = ((Map<String, Object>) document).get("Statement");
                if (statementList instanceof List<?> statementsOfPolicy) {
                    statementsOfPolicy.forEach(s -> found.add(Map.entry(id, (Map<String, Object>) s)));
                }
            }
        });
        return found;
    }

    static List<String> violations(SamTemplate template) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : statements(template)) {
            Map<String, Object> statement = entry.getValue();
            String at = entry.getKey() + "/" + statement.getOrDefault("Sid", "(no Sid)");
            if (!statement.containsKey("Sid")) {
                violations.add(at + ": has no Sid");
            }
            List<String> actions = strings(statement.get("Action"));
            for (String action : actions) {
                if (action.equals("*") || action.endsWith(":*")) {
                    violations.add(at + ": wildcard action " + action);
                }
            }
            if (strings(statement.get("Resource")).contains("*")) {
                for (String action : actions) {
                    String key = RESOURCELESS_WITH_CONDITION.get(action);
                    if (key != null && !conditionKeys(statement).contains(key)) {
                        violations.add(at + ": " + action + " on every resource without the " + key + " condition");
                    } else if (key == null && !RESOURCELESS.contains(action)) {
                        violations.add(at + ": " + action + " on every resource");
                    }
                }
            }
            if (actions.contains("iam:PassRole")) {
                Object resource = statement.get("Resource");
                List<Object> roles = resource instanceof List<?> list ? new ArrayList<>(list) : List.of(resource);
                Object service = passedToService(statement);
                if (service == null) {
                    violations.add(at + ": iam:PassRole without a StringEquals iam:PassedToService condition");
                }
                for (Object role : roles) {
                    String passable = role instanceof Intrinsic intrinsic && "GetAtt".equals(intrinsic.function())
                            ? PASSABLE_ROLES.get(String.valueOf(intrinsic.argument())) : null;
                    if (passable == null) {
                        violations.add(at + ": passes a role other than Conveyor's own: " + role);
                    } else if (service != null && !passable.equals(service)) {
                        violations.add(at + ": passes " + ((Intrinsic) role).argument() + " to " + service
                                + ", which may go only to " + passable);
                    }
                }
            }
        }
        return violations;
    }

    /** The keys of every condition of a statement, whatever their operators. */
    private static Set<String> conditionKeys(Map<String, Object> statement) {
        Set<String> keys = new java.util.HashSet<>();
        if (statement.get("Condition") instanceof Map<?, ?> operators) {
            operators.values().forEach(test -> {
                if (test instanceof Map<?, ?> map) {
                    map.keySet().forEach(key -> keys.add(String.valueOf(key)));
                }
            });
        }
        return keys;
    }

    /** The one service a PassRole statement passes to (StringEquals iam:PassedToService), or null. */
    private static Object passedToService(Map<String, Object> statement) {
        if (statement.get("Condition") instanceof Map<?, ?> operators
                && operators.get("StringEquals") instanceof Map<?, ?> equals
                && equals.get("iam:PassedToService") instanceof String service) {
            return service;
        }
        return null;
    }

    /** A template whose one function, {@code Loose}, holds these statements (a YAML list, unindented). */
    static SamTemplate looseFunction(Path dir, String statements) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, """
                Resources:
                  Loose:
                    Type: AWS::Serverless::Function
                    Properties:
                      Policies:
                        - Statement:
                """ + statements.indent(12));
        return SamTemplate.read(file);
    }

    /** A single value or a list of them, as strings. */
    static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }

    @Test
    void template_everyStatement_isScoped() throws IOException {
        SamTemplate template = SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));

        assertThat(statements(template)).hasSizeGreaterThan(10);
        assertThat(violations(template)).isEmpty();
    }

    @Test
    void template_taskDefinitionRegistration_isLimitedToOwnFamiliesAndNeverPrivileged() throws IOException {
        SamTemplate template = SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));

        assertThat(statements(template)).filteredOn(entry -> String.valueOf(entry.getValue().get("Action"))
                .contains("ecs:RegisterTaskDefinition")).singleElement().satisfies(entry -> {
                    assertThat(String.valueOf(entry.getValue().get("Resource"))).contains("task-definition/${AWS::StackName}-*");
                    assertThat(String.valueOf(entry.getValue().get("Condition"))).contains("ecs:privileged=false");
                });
    }

    @Test
    void violations_looseStatements_areEachNamed(@TempDir Path dir) throws IOException {
        SamTemplate loose = TemplatePoliciesTest.looseFunction(dir, """
                - Sid: Everything
                  Effect: Allow
                  Action: "s3:*"
                  Resource: "*"
                - Sid: PassAnything
                  Effect: Allow
                  Action: iam:PassRole
                  Resource: "*"
                - Sid: PassInstanceRoleToEcs
                  Effect: Allow
                  Action: iam:PassRole
                  Resource: [!GetAtt TaskRole.Arn, !GetAtt InstanceRole.Arn]
                  Condition:
                    StringEquals:
                      iam:PassedToService: ecs-tasks.amazonaws.com
                - Sid: PassTaskRoleAnywhere
                  Effect: Allow
                  Action: iam:PassRole
                  Resource: !GetAtt TaskRole.Arn
                  Condition:
                    StringLike:
                      iam:PassedToService: "*"
                - Sid: ListEveryClustersTasks
                  Effect: Allow
                  Action: ecs:ListTasks
                  Resource: "*"
                - Effect: Allow
                  Action: ecs:RunTask
                  Resource: "*"
                """);

        assertThat(violations(loose)).containsExactly(
                "Loose/Everything: wildcard action s3:*",
                "Loose/Everything: s3:* on every resource",
                "Loose/PassAnything: iam:PassRole on every resource",
                "Loose/PassAnything: iam:PassRole without a StringEquals iam:PassedToService condition",
                "Loose/PassAnything: passes a role other than Conveyor's own: *",
                "Loose/PassInstanceRoleToEcs: passes InstanceRole.Arn to ecs-tasks.amazonaws.com, which may go only to "
                        + "ec2.amazonaws.com",
                "Loose/PassTaskRoleAnywhere: iam:PassRole without a StringEquals iam:PassedToService condition",
                "Loose/ListEveryClustersTasks: ecs:ListTasks on every resource without the ecs:cluster condition",
                "Loose/(no Sid): has no Sid",
                "Loose/(no Sid): ecs:RunTask on every resource");
    }

    @Test
    void template_passRole_givesEachRoleToItsOneService() throws IOException {
        SamTemplate template = SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));

        // The roles passed are exactly those with a rule: no rule is stale and no role goes unchecked
        List<String> passed = statements(template).stream().map(Map.Entry::getValue)
                .filter(statement -> strings(statement.get("Action")).contains("iam:PassRole"))
                .flatMap(statement -> statement.get("Resource") instanceof List<?> list ? list.stream()
                        : java.util.stream.Stream.of(statement.get("Resource")))
                .map(role -> String.valueOf(((Intrinsic) role).argument())).distinct().toList();
        assertThat(passed).containsExactlyInAnyOrderElementsOf(PASSABLE_ROLES.keySet());
    }

    @Test
    void template_pipelineRecords_areReadOnlyByTheFunctionsThatMakePipelineJobs() throws IOException {
        // Given the template
        SamTemplate template = SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));

        // When the statements naming the pipelines' records are collected, by function
        Map<String, List<String>> byFunction = new java.util.TreeMap<>();
        statements(template).stream()
                .filter(entry -> String.valueOf(entry.getValue().get("Resource")).contains("registry/pipelines/"))
                .forEach(entry -> byFunction.computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                        .add(entry.getValue().get("Sid") + " " + strings(entry.getValue().get("Action"))));

        // Then dispatch (batch files), task-events and the reconciler (a success's next steps) only read them
        assertThat(byFunction).containsOnlyKeys("DispatchFunction", "TaskEventsFunction", "ReconcileFunction");
        assertThat(byFunction.values()).allSatisfy(found ->
                assertThat(found).containsExactly("ReadPipelineRecords [s3:GetObject]"));
    }
}
