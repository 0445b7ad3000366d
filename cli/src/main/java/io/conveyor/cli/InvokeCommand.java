package io.conveyor.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.conveyor.aws.AwsClients;
import io.conveyor.cli.template.FunctionSpec;
import io.conveyor.cli.template.SamTemplate;
import io.conveyor.config.Environment;
import io.conveyor.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conveyor invoke FUNCTION --event FILE [--env-vars FILE] [--template FILE]}: runs a function's
 * handler in this process on an event file, the way {@code sam local invoke} does, without Docker.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true,
        description = {InvokeCommand.SUMMARY,
                "AWS calls go to AWS_ENDPOINT_URL when set (e.g. a moto server), otherwise to AWS."})
final class InvokeCommand implements Callable<Integer> {

    /** What {@code conveyor help} says of it, without building it. */
    static final String SUMMARY = "Run a function's handler in this process on an event file, like `sam local invoke`.";

    @Parameters(index = "0", paramLabel = "FUNCTION",
            description = "a logical id from template.yaml (DispatchFunction) or its short name (dispatch)")
    String function;
    @Option(names = {"--event", "-e"}, paramLabel = "FILE", required = true, description = "the event, a JSON object")
    String event;
    @Option(names = {"--env-vars", "-n"}, paramLabel = "FILE", description = "variables in sam local invoke's shape")
    String envVars;
    @Option(names = {"--template", "-t"}, paramLabel = "FILE", description = "the template (default: the checkout's)")
    String template;

    private final Path home;
    private final Environment processEnvironment;
    private final PrintStream out;
    private final PrintStream err;

    InvokeCommand(Path home, Environment processEnvironment, PrintStream out, PrintStream err) {
        this.home = home;
        this.processEnvironment = processEnvironment;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the invocation: 0 when the handler returned, 1 when it threw (its error JSON on stdout).
     *
     * @throws UsageException for a wrong command line, a file that cannot be read or parsed, an unknown
     *                        function, or a handler that cannot start with the given configuration
     */
    @Override
    public Integer call() throws UsageException {
        Arguments arguments = new Arguments(function, event, envVars, template);
        Path templateFile = arguments.template == null ? home.resolve("template.yaml") : Path.of(arguments.template);
        SamTemplate template = readTemplate(templateFile);
        FunctionSpec function = template.function(arguments.function).orElseThrow(() -> new UsageException(
                "unknown function '" + arguments.function + "'; " + templateFile + " has: "
                        + template.functions().stream().map(f -> f.shortName() + " (" + f.logicalId() + ")")
                        .collect(Collectors.joining(", "))));
        byte[] event = readJson(Path.of(arguments.event), "event file");
        Map<String, String> environment = environment(template, function, arguments.envVars);

        RequestHandler<Object, Object> handler = instantiate(function, Environment.of(environment));
        Class<?> inputType = inputType(handler.getClass(), function);
        Object input;
        try {
            input = LambdaEventSerializers.serializerFor(inputType, handler.getClass().getClassLoader())
                    .fromJson(new String(event, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new UsageException(arguments.event + ": does not fit " + inputType.getSimpleName() + ", the input of "
                    + function.logicalId() + ": " + rootMessage(e), e);
        }
        Context context = new LocalContext(function.logicalId(), function.memoryMiB(), function.timeoutSeconds(), err);
        Object output;
        // What the function writes on standard output (its metric lines) is its log, as on Lambda: standard error
        // here, so that standard output holds the response alone.
        PrintStream stdout = System.out;
        System.setOut(err);
        try {
            output = handler.handleRequest(input, context);
        } catch (RuntimeException e) {
            err.println(function.logicalId() + " failed: " + e);
            out.println(errorJson(e));
            return 1;
        } finally {
            System.setOut(stdout);
        }
        out.println(toJson(output, handler.getClass().getClassLoader()));
        return 0;
    }

    private static SamTemplate readTemplate(Path file) throws UsageException {
        try {
            return SamTemplate.read(file);
        } catch (IOException e) {
            throw new UsageException("cannot read template " + file + ": " + describe(e), e);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    private static byte[] readJson(Path file, String what) throws UsageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + describe(e), e);
        }
        try {
            JsonNode node = Json.mapper().readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new UsageException(file + ": " + what + " must hold a JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new UsageException(file + ": " + what + " is not valid JSON: " + Json.describe(e), e);
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " " + file + ": " + describe(e), e);
        }
        return bytes;
    }

    /**
     * The function's environment as {@code sam local invoke} builds it: the template's variables, then
     * {@code Parameters} and the function's own section of the env-vars file (only for variables the
     * template declares), then the runtime's own variables and an emulator endpoint from this process.
     */
    private Map<String, String> environment(SamTemplate template, FunctionSpec function, String envVarsFile)
            throws UsageException {
        Map<String, String> environment = new LinkedHashMap<>(template.localEnvironment(function));
        if (envVarsFile != null) {
            JsonNode root;
            try {
                root = Json.mapper().readTree(readJson(Path.of(envVarsFile), "env-vars file"));
            } catch (IOException e) {
                throw new UsageException("cannot read env-vars file " + envVarsFile + ": " + describe(e), e);
            }
            for (String section : List.of("Parameters", function.logicalId())) {
                JsonNode values = root.path(section);
                if (values.isMissingNode()) {
                    continue;
                }
                if (!values.isObject()) {
                    throw new UsageException(envVarsFile + ": /" + section + " must be an object of NAME: value");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (entry.getValue().isContainerNode()) {
                        throw new UsageException(envVarsFile + ": /" + section + "/" + entry.getKey()
                                + " must be a string, number or boolean");
                    }
                    if (function.environment().containsKey(entry.getKey())) {
                        environment.put(entry.getKey(), entry.getValue().asText());
                    } else if (!"Parameters".equals(section)) {
                        err.println("conveyor invoke: " + envVarsFile + ": " + entry.getKey() + " is not declared for "
                                + function.logicalId() + " in the template; ignored, as sam local invoke does");
                    }
                }
            }
        }
        String region = processEnvironment.optional(AwsClients.REGION_VARIABLE)
                .or(() -> processEnvironment.optional("AWS_DEFAULT_REGION")).orElse(null);
        if (region != null) {
            environment.put(AwsClients.REGION_VARIABLE, region);
        }
        processEnvironment.optional(AwsClients.ENDPOINT_VARIABLE)
                .ifPresent(endpoint -> environment.put(AwsClients.ENDPOINT_VARIABLE, endpoint));
        environment.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMiB()));
        return environment;
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<Object, Object> instantiate(FunctionSpec function, Environment environment)
            throws UsageException {
        Class<?> type;
        try {
            type = Class.forName(function.handlerClass());
        } catch (ClassNotFoundException e) {
            throw new UsageException(function.logicalId() + ": handler class " + function.handlerClass()
                    + " is not on the classpath", e);
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new UsageException(function.logicalId() + ": " + type.getName() + " is not a RequestHandler");
        }
        try {
            return (RequestHandler<Object, Object>) type.getConstructor(Environment.class).newInstance(environment);
        } catch (InvocationTargetException e) {
            throw new UsageException(function.logicalId() + " could not start: " + e.getCause().getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new UsageException(function.logicalId() + ": " + type.getName()
                    + " has no public constructor taking an Environment", e);
        }
    }

    private static Class<?> inputType(Class<?> handlerType, FunctionSpec function) throws UsageException {
        for (Class<?> type = handlerType; type != null; type = type.getSuperclass()) {
            for (Type implemented : type.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class
                        && parameterized.getActualTypeArguments()[0] instanceof Class<?> input) {
                    return input;
                }
            }
        }
        throw new UsageException(function.logicalId() + ": cannot tell the input type of " + handlerType.getName());
    }

    @SuppressWarnings("unchecked")
    private static String toJson(Object output, ClassLoader loader) {
        if (output == null) {
            return "null";
        }
        PojoSerializer<Object> serializer = (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(
                output.getClass(), loader);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        serializer.toJson(output, bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String errorJson(Throwable e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("errorMessage", e.getMessage());
        error.put("errorType", e.getClass().getName());
        try {
            return Json.mapper().writeValueAsString(error);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
    }

    /** The parsed command line. */
    private record Arguments(String function, String event, String envVars, String template) {
    }
}
