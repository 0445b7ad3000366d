package io.conveyor.benchmarks;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One fresh JVM of {@link ColdStart}, on a function's artifact classpath: builds the handler by its
 * no-arg constructor (as the Lambda runtime does), optionally runs its SnapStart priming (the CRaC
 * {@code beforeCheckpoint} a snapshot would run), then deserializes the sample event with the runtime's
 * own serializers and makes the first request. It prints {@code construct prime first total} in ms
 * ({@code total}: JVM start to the first response; {@code prime} -1 when the handler has no priming).
 * It imports nothing but the JDK and the Lambda runtime's libraries, so it runs beside any artifact.
 */
public final class ColdStartChild {

    private ColdStartChild() {
    }

    /** The smallest handler of an SQS-triggered function, for the baseline. */
    public static final class BareSqsHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        }
    }

    /** The smallest handler of an EventBridge-triggered function, for the baseline. */
    public static final class BareScheduledHandler implements RequestHandler<ScheduledEvent, String> {
        @Override
        public String handleRequest(ScheduledEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            return event.getDetailType();
        }
    }

    /** {@code ColdStartChild HANDLER_CLASS EVENT_FILE prime|fresh}. */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        long start = ManagementFactory.getRuntimeMXBean().getStartTime();
        long before = System.nanoTime();
        RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) Class.forName(args[0])
                .getConstructor().newInstance();
        long constructed = System.nanoTime();
        long prime = -1;
        if (args[2].equals("prime") && handler instanceof org.crac.Resource resource) {
            long priming = System.nanoTime();
            resource.beforeCheckpoint(null);
            resource.afterRestore(null);
            prime = (System.nanoTime() - priming) / 1_000_000;
        }
        long request = System.nanoTime();
        String json = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        Object input = LambdaEventSerializers.serializerFor(inputType(handler.getClass()), handler.getClass()
                .getClassLoader()).fromJson(json);
        Object output = handler.handleRequest(input, null);
        long answered = System.nanoTime();
        long total = System.currentTimeMillis() - start;
        if (output == null) {
            throw new IllegalStateException(args[0] + " answered nothing");
        }
        System.out.println((constructed - before) / 1_000_000 + " " + prime + " " + (answered - request) / 1_000_000
                + " " + total);
    }

    private static Class<?> inputType(Class<?> handler) {
        for (Type type : handler.getGenericInterfaces()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == RequestHandler.class) {
                return (Class<?>) parameterized.getActualTypeArguments()[0];
            }
        }
        throw new IllegalArgumentException(handler + " does not implement RequestHandler<I, O> directly");
    }
}
