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
 * Conveyor's task roles and only to ECS tasks.
 */
class TemplatePoliciesTest {

    /** Actions the Service Authorization Reference lists without resource types. */
    static final Set<String> RESOURCELESS = Set.of("ecs:DeregisterTaskDefinition", "ecs:ListTaskDefinitions",
            "ecr:GetAuthorizationToken");
    static final Set<String> PASSABLE_ROLES = Set.of("TaskRole.Arn", "ExecutionRole.Arn");

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
                actions.stream().filter(action -> !RESOURCELESS.contains(action))
                        .forEach(action -> violations.add(at + ": " + action + " on every resource"));
            }
            if (actions.contains("iam:PassRole")) {
                Object resource = statement.get("Resource");
                List<Object> roles = resource instanceof List<?> list ? new ArrayList<>(list) : List.of(resource);
                for (Object role : roles) {
                    if (!(role instanceof Intrinsic intrinsic && PASSABLE_ROLES.contains(String.valueOf(intrinsic.argument())))) {
                        violations.add(at + ": passes a role other than Conveyor's task roles: " + role);
                    }
                }
                if (!String.valueOf(statement.get("Condition")).contains("iam:PassedToService=ecs-tasks.amazonaws.com")) {
                    violations.add(at + ": iam:PassRole without iam:PassedToService ecs-tasks.amazonaws.com");
                }
            }
        }
        return violations;
    }

    private static List<String> strings(Object value) {
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
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, """
                Resources:
                  Loose:
                    Type: AWS::Serverless::Function
                    Properties:
                      Policies:
                        - Statement:
                            - Sid: Everything
                              Effect: Allow
                              Action: "s3:*"
                              Resource: "*"
                            - Sid: PassAnything
                              Effect: Allow
                              Action: iam:PassRole
                              Resource: "*"
                            - Effect: Allow
                              Action: ecs:RunTask
                              Resource: "*"
                """);

        assertThat(violations(SamTemplate.read(file))).containsExactly(
                "Loose/Everything: wildcard action s3:*",
                "Loose/Everything: s3:* on every resource",
                "Loose/PassAnything: iam:PassRole on every resource",
                "Loose/PassAnything: passes a role other than Conveyor's task roles: *",
                "Loose/PassAnything: iam:PassRole without iam:PassedToService ecs-tasks.amazonaws.com",
                "Loose/(no Sid): has no Sid",
                "Loose/(no Sid): ecs:RunTask on every resource");
    }
}
