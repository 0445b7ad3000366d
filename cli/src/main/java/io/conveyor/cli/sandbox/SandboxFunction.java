package io.conveyor.cli.sandbox;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.conveyor.aws.AwsClients;
import io.conveyor.config.Environment;
import io.conveyor.fleet.FleetMetrics;
import io.conveyor.fleet.IdleAlarms;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One function of the stack, its real handler built once in this process as Lambda's runtime would
 * build it (configuration from its environment), with the sandbox's clients.
 */
final class SandboxFunction {

    /** fleet-monitor's handler, which the sandbox builds with its own CloudWatch (see {@link SandboxAlarms}). */
    static final String FLEET_MONITOR = "io.conveyor.functions.fleet.FleetMonitorHandler";
    /** dispatch's handler: the teardown stops it first, as the template's DependsOn has CloudFormation do. */
    static final String DISPATCH = "io.conveyor.functions.dispatch.DispatchHandler";
    /** The teardown's handler (a custom resource's): the sandbox runs its work by hand. */
    static final String TEARDOWN = "io.conveyor.functions.fleet.TeardownHandler";

    /** What the sandbox gives every handler it builds. */
    record Context(AwsClients aws, Map<String, String> baseEnvironment, SandboxAlarms alarms, Clock clock) {
    }

    private final SandboxStack.FunctionBinding binding;
    private final RequestHandler<Object, Object> handler;
    private final Class<?> inputType;
    private final Clock clock;

    private SandboxFunction(SandboxStack.FunctionBinding binding, RequestHandler<Object, Object> handler,
                            Class<?> inputType, Clock clock) {
        this.binding = binding;
        this.handler = handler;
        this.inputType = inputType;
        this.clock = clock;
    }

    /**
     * Builds a function's handler.
     *
     * @throws IllegalStateException naming the function when its handler cannot be built (a missing
     *                               variable, a class not on the classpath)
     */
    @SuppressWarnings("unchecked")
    static SandboxFunction build(SandboxStack.FunctionBinding binding, Context context) {
        Map<String, String> variables = new LinkedHashMap<>(context.baseEnvironment());
        variables.putAll(binding.environment());
        variables.put("AWS_LAMBDA_FUNCTION_NAME", binding.logicalId());
        Environment environment = Environment.of(variables);
        Class<?> type;
        try {
            type = Class.forName(binding.handlerClass());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(binding.logicalId() + ": handler class " + binding.handlerClass()
                    + " is not on the classpath", e);
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalStateException(binding.logicalId() + ": " + type.getName() + " is not a RequestHandler");
        }
        try {
            Object handler;
            if (FLEET_MONITOR.equals(type.getName())) {
                handler = type.getConstructor(AwsClients.class, Environment.class, FleetMetrics.class, IdleAlarms.class,
                        Clock.class).newInstance(context.aws(), environment, context.alarms(), context.alarms(), context.clock());
            } else if (hasClockConstructor(type)) {
                // The sandbox's time for what counts time (dispatch's capacity lease and start grace, records' times).
                handler = type.getConstructor(AwsClients.class, Environment.class, Clock.class)
                        .newInstance(context.aws(), environment, context.clock());
            } else {
                handler = type.getConstructor(AwsClients.class, Environment.class).newInstance(context.aws(), environment);
            }
            return new SandboxFunction(binding, (RequestHandler<Object, Object>) handler, inputType(type, binding),
                    context.clock());
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(binding.logicalId() + " could not start: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(binding.logicalId() + ": " + type.getName()
                    + " has no public constructor taking (AwsClients, Environment)", e);
        }
    }

    /** A function around a handler that is already built (tests). */
    @SuppressWarnings("unchecked")
    static SandboxFunction of(SandboxStack.FunctionBinding binding, RequestHandler<?, ?> handler) {
        return new SandboxFunction(binding, (RequestHandler<Object, Object>) handler, inputType(handler.getClass(), binding),
                Clock.systemUTC());
    }

    private static boolean hasClockConstructor(Class<?> type) {
        try {
            type.getConstructor(AwsClients.class, Environment.class, Clock.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    String name() {
        return binding.logicalId();
    }

    SandboxStack.FunctionBinding binding() {
        return binding;
    }

    /** Invokes it on a batch of messages, as an SQS event source mapping does. */
    SQSBatchResponse handleSqs(SQSEvent event) {
        Object response = handler.handleRequest(event, null);
        if (!(response instanceof SQSBatchResponse batch)) {
            throw new IllegalStateException(binding.logicalId() + " is bound to a queue but answered "
                    + (response == null ? "nothing" : response.getClass().getSimpleName()));
        }
        return batch;
    }

    /**
     * Invokes it on an event as EventBridge delivers it (a rule's match, a schedule's tick), with a context
     * whose remaining time is the function's timeout in the sandbox's time (a reconciler pass sizes its work
     * by it). The memory size is not read from the template: the context says 0.
     */
    Object handleJson(String event) {
        Object input = LambdaEventSerializers.serializerFor(inputType, handler.getClass().getClassLoader()).fromJson(event);
        return handler.handleRequest(input, new io.conveyor.cli.LocalContext(binding.logicalId(), 0, binding.timeoutSeconds(),
                System.err, clock));
    }

    private static Class<?> inputType(Class<?> handlerType, SandboxStack.FunctionBinding binding) {
        for (Class<?> type = handlerType; type != null; type = type.getSuperclass()) {
            for (Type implemented : type.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class
                        && parameterized.getActualTypeArguments()[0] instanceof Class<?> input) {
                    return input;
                }
            }
        }
        throw new IllegalStateException(binding.logicalId() + ": cannot tell the input type of " + handlerType.getName());
    }

    @Override
    public String toString() {
        return Objects.toString(binding.logicalId());
    }
}
