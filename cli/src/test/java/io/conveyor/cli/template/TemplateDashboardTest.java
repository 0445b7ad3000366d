package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.map;
import static io.conveyor.cli.template.TemplateFixtures.sub;
import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The stack's dashboard and outputs: the body is JSON once CloudFormation has substituted it, names only
 * resources of the stack and only the metrics Conveyor emits, and draws what operators look at; every
 * function's log group, the alarm topic and the dashboard are outputs.
 */
class TemplateDashboardTest {

    /** What the functions emit in the Conveyor namespace (docs: issue 14's metric names). */
    private static final Set<String> CONVEYOR_METRICS = Set.of("JobsAdmitted", "JobsStarted", "JobsSucceeded", "JobsFailed",
            "JobsRetried", "JobsCancelled", "WaitingSeconds", "RunSeconds", "StageInSeconds", "StageOutSeconds",
            "StageInBytes", "StageOutBytes", "CapacityShortfall", "Instances", "RunningTasks", "CostUsd");
    private static final Set<String> PSEUDO = Set.of("AWS::Region", "AWS::StackName", "AWS::AccountId", "AWS::Partition",
            "AWS::URLSuffix");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern METRIC_NAME = Pattern.compile("MetricName=\\\\?\"(\\w+)\\\\?\"");

    @Test
    void template_dashboardBody_isJsonNamingOnlyTheStacksResources() throws IOException {
        // Given the body as written, each ${...} replaced as CloudFormation would
        String body = sub(map(template().resources().get("Dashboard").get("Properties")).get("DashboardBody"));
        List<String> unknown = new ArrayList<>();
        String substituted = substitute(body, unknown);

        // Then every name is a resource (with an attribute it has) or a pseudo parameter, and the result is JSON
        assertThat(unknown).isEmpty();
        JsonNode widgets = Json.mapper().readTree(substituted).get("widgets");
        assertThat(widgets.isArray()).isTrue();
        Set<String> titles = new TreeSet<>();
        widgets.forEach(widget -> {
            assertThat(widget.get("type").asText()).isIn("metric", "text");
            if (widget.has("properties") && widget.get("properties").has("title")) {
                titles.add(widget.get("properties").get("title").asText());
            }
        });
        assertThat(titles).contains("Jobs by state and algorithm", "Oldest waiting job (s)", "Queue depth (visible messages)",
                "Queue age (oldest message, s)", "Instances by state", "Running tasks and capacity shortfall",
                "Function errors and throttles", "Function duration (ms, maximum)", "Cost per hour (USD, attributed to ended attempts)");
    }

    @Test
    void template_dashboard_drawsOnlyMetricsConveyorEmitsAndEveryFunction() throws IOException {
        String body = sub(map(template().resources().get("Dashboard").get("Properties")).get("DashboardBody"));
        JsonNode widgets = Json.mapper().readTree(substitute(body, new ArrayList<>())).get("widgets");
        Set<String> conveyorMetrics = new TreeSet<>();
        Set<String> lambdaMetrics = new TreeSet<>();
        widgets.forEach(widget -> widget.path("properties").path("metrics").forEach(metric -> {
            if (metric.get(0).isObject()) {
                Matcher names = METRIC_NAME.matcher(metric.get(0).get("expression").asText());
                while (names.find()) {
                    conveyorMetrics.add(names.group(1));
                }
            } else if (metric.get(0).asText().equals("Conveyor")) {
                conveyorMetrics.add(metric.get(1).asText());
            } else if (metric.get(0).asText().equals("AWS/Lambda")) {
                lambdaMetrics.add(metric.get(1).asText() + " " + metric.get(3).asText());
            }
        }));

        assertThat(CONVEYOR_METRICS).containsAll(conveyorMetrics);
        assertThat(conveyorMetrics).contains("JobsSucceeded", "JobsFailed", "Instances", "RunningTasks", "CostUsd");
        for (FunctionSpec function : template().functions()) {
            assertThat(lambdaMetrics).contains("Errors sub-" + function.logicalId(), "Duration sub-" + function.logicalId());
        }
        // And the cost is summed per hour
        JsonNode cost = java.util.stream.StreamSupport.stream(widgets.spliterator(), false)
                .map(widget -> widget.path("properties"))
                .filter(properties -> properties.path("title").asText().startsWith("Cost per hour (USD")).findFirst().orElseThrow();
        assertThat(cost.path("stat").asText()).isEqualTo("Sum");
        assertThat(cost.path("period").asInt()).isEqualTo(3600);
        assertThat(cost.path("metrics").get(0).get(1).asText()).isEqualTo("CostUsd");
    }

    @Test
    void template_outputs_nameEveryFunctionsLogGroupTheTopicAndTheDashboard() throws IOException {
        Map<String, Object> outputs = map(template().raw().get("Outputs"));
        List<Object> values = outputs.values().stream().map(output -> map(output).get("Value")).toList();

        for (FunctionSpec function : template().functions()) {
            Object logGroup = map(template().functionProperties(function.logicalId()).get("LoggingConfig")).get("LogGroup");
            assertThat(values).as(function.logicalId()).contains(logGroup);
        }
        assertThat(map(outputs.get("AlarmTopicArn")).get("Value")).isEqualTo(new Intrinsic("Ref", "AlarmTopic"));
        assertThat(map(outputs.get("DashboardName")).get("Value")).isEqualTo(new Intrinsic("Ref", "Dashboard"));
        assertThat(sub(map(outputs.get("DashboardUrl")).get("Value"))).contains("#dashboards:name=${Dashboard}");
    }

    /** The body with each ${X} or ${X.Attr} replaced by sub-X; a name that is no resource or pseudo parameter goes to unknown. */
    private static String substitute(String body, List<String> unknown) throws IOException {
        Map<String, Map<String, Object>> resources = template().resources();
        Matcher matcher = VARIABLE.matcher(body);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else {
                String[] parts = name.split("\\.", 2);
                Map<String, Object> resource = resources.get(parts[0]);
                boolean known = PSEUDO.contains(name) || resource != null && (parts.length == 1
                        || "AWS::SQS::Queue".equals(resource.get("Type")) && Set.of("Arn", "QueueName", "QueueUrl").contains(parts[1]));
                if (!known) {
                    unknown.add(name);
                }
                replacement = "sub-" + parts[0];
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
