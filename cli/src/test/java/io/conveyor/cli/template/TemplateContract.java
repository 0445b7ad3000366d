package io.conveyor.cli.template;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.conveyor.config.Environment;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must hold between template.yaml, the Makefile and the code; each broken rule is one line.
 */
final class TemplateContract {

    /** Set by the Lambda runtime for every function. */
    static final Set<String> RUNTIME_VARIABLES = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_EXECUTION_ENV", "_HANDLER");
    /** Read only when set, for emulators; never given by the template. */
    static final Set<String> EMULATOR_VARIABLES = Set.of("AWS_ENDPOINT_URL");
    /** Given by the template but read by the JVM, not by Conveyor's code. */
    static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private static final Pattern MAKE_TARGET = Pattern.compile("(?m)^build-(\\w+):\\s*\\n\\t\\$\\(call lambda,([^)]+)\\)");

    private final Path root;
    private final SamTemplate template;
    private final List<String> violations = new ArrayList<>();

    private TemplateContract(Path root, SamTemplate template) {
        this.root = root;
        this.template = template;
    }

    /** Every broken rule of the project at {@code root}. */
    static List<String> check(Path root) throws IOException {
        TemplateContract contract = new TemplateContract(root, SamTemplate.read(root.resolve("template.yaml")));
        String makefile = Files.readString(root.resolve("Makefile"));
        Matcher targets = MAKE_TARGET.matcher(makefile);
        Map<String, String> modules = new java.util.HashMap<>();
        while (targets.find()) {
            modules.put(targets.group(1), targets.group(2));
        }
        for (FunctionSpec function : contract.template.functions()) {
            contract.checkBuild(function, modules.get(function.logicalId()));
            contract.checkEnvironment(function);
            contract.checkQueues(function);
        }
        return List.copyOf(contract.violations);
    }

    private void checkBuild(FunctionSpec function, String module) {
        Map<String, Object> resource = template.resources().get(function.logicalId());
        Object metadata = resource.get("Metadata");
        if (!(metadata instanceof Map<?, ?> map) || !"makefile".equals(map.get("BuildMethod"))) {
            violations.add(function.logicalId() + ": Metadata.BuildMethod must be makefile");
        }
        if (module == null) {
            violations.add(function.logicalId() + ": the Makefile has no target build-" + function.logicalId());
            return;
        }
        Path source = root.resolve(module).resolve("src/main/java")
                .resolve(function.handlerClass().replace('.', '/') + ".java");
        if (!Files.isRegularFile(source)) {
            violations.add(function.logicalId() + ": handler " + function.handlerClass() + " is not in module " + module
                    + " (no " + root.relativize(source) + ")");
        }
        if (!function.handler().endsWith("::handleRequest")) {
            violations.add(function.logicalId() + ": Handler must name handleRequest, was " + function.handler());
        }
    }

    private void checkEnvironment(FunctionSpec function) {
        Optional<Set<String>> read = variablesReadAtInit(function);
        if (read.isEmpty()) {
            return;
        }
        Set<String> declared = function.environment().keySet();
        for (String name : new TreeSet<>(read.get())) {
            if (!declared.contains(name) && !RUNTIME_VARIABLES.contains(name) && !EMULATOR_VARIABLES.contains(name)) {
                violations.add(function.logicalId() + ": code reads " + name + ", which the template does not give it");
            }
        }
        for (String name : new TreeSet<>(declared)) {
            if (!read.get().contains(name) && !JVM_VARIABLES.contains(name)) {
                violations.add(function.logicalId() + ": the template gives " + name + ", which no code reads");
            }
        }
    }

    /**
     * Builds the handler the way the runtime would, against an environment that records every read.
     * A variable the template gives a value known locally (a literal, a parameter's default) reads as
     * that value, so a handler that checks its configuration at init (a number, say) can start.
     */
    private Optional<Set<String>> variablesReadAtInit(FunctionSpec function) {
        Set<String> read = new HashSet<>();
        Map<String, String> local = template.localEnvironment(function);
        Environment recording = name -> {
            read.add(name);
            return switch (name) {
                case "AWS_REGION" -> Optional.of("us-east-1");
                case "AWS_ENDPOINT_URL" -> Optional.empty();
                default -> Optional.of(local.getOrDefault(name, "recorded-" + name.toLowerCase()));
            };
        };
        try {
            Class<?> type = Class.forName(function.handlerClass());
            if (!RequestHandler.class.isAssignableFrom(type)) {
                violations.add(function.logicalId() + ": " + type.getName() + " is not a RequestHandler");
                return Optional.empty();
            }
            type.getConstructor();
            type.getConstructor(Environment.class).newInstance(recording);
            return Optional.of(read);
        } catch (ClassNotFoundException e) {
            violations.add(function.logicalId() + ": handler class " + function.handlerClass() + " does not exist");
        } catch (NoSuchMethodException e) {
            violations.add(function.logicalId() + ": " + function.handlerClass()
                    + " needs a public no-arg constructor and one taking an Environment");
        } catch (InvocationTargetException e) {
            violations.add(function.logicalId() + ": handler could not start: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            violations.add(function.logicalId() + ": " + e);
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private void checkQueues(FunctionSpec function) {
        Map<String, Object> properties = (Map<String, Object>) template.resources().get(function.logicalId())
                .get("Properties");
        Map<String, Object> events = properties.get("Events") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        events.forEach((name, raw) -> {
            Map<String, Object> event = (Map<String, Object>) raw;
            if (!"SQS".equals(event.get("Type"))) {
                return;
            }
            Map<String, Object> source = (Map<String, Object>) event.get("Properties");
            String at = function.logicalId() + ".Events." + name;
            Object types = source.get("FunctionResponseTypes");
            if (!(types instanceof List<?> list) || !list.contains("ReportBatchItemFailures")) {
                violations.add(at + ": FunctionResponseTypes must include ReportBatchItemFailures");
            }
            if (!(source.get("Queue") instanceof Intrinsic queueRef) || !(queueRef.argument() instanceof String arn)) {
                violations.add(at + ": Queue must be !GetAtt <Queue>.Arn");
                return;
            }
            String queueId = arn.substring(0, arn.indexOf('.') < 0 ? arn.length() : arn.indexOf('.'));
            Map<String, Object> queue = template.resources().get(queueId);
            Map<String, Object> queueProperties = queue == null ? Map.of() : (Map<String, Object>) queue.get("Properties");
            if (!(queueProperties.get("RedrivePolicy") instanceof Map<?, ?>)) {
                violations.add(queueId + ": no RedrivePolicy to a dead-letter queue");
            }
            int visibility = queueProperties.get("VisibilityTimeout") instanceof Number n ? n.intValue() : 30;
            if (visibility < 6 * function.timeoutSeconds()) {
                violations.add(queueId + ": VisibilityTimeout " + visibility + " is under six times the timeout of "
                        + function.logicalId() + " (" + function.timeoutSeconds() + " s)");
            }
        });
    }
}
