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
 * no-arg constructor (as the Lambda runtime does), optionally runs its SnapStart priming (every resource the
 * handler registered with CRaC's global context, before and after the checkpoint, through
 * {@link io.conveyor.benchmarks.snapstart.Core}; it fails when the handler registered none), then deserializes the
 * sample event with the runtime's own serializers and makes the first request. It prints
 * {@code construct prime first total} in ms ({@code total}: JVM start to the first response; {@code prime} -1 when
 * not asked to prime). It imports nothing but the JDK, the Lambda runtime's libraries, CRaC's API and its
 * {@code snapstart} package, so it runs beside any artifact.
 */
public final class ColdStartChild {

    /** The CRaC implementation the children run with (the value of {@code org.crac.Core.Compat}). */
    static final String SNAPSTART = "io.conveyor.benchmarks.snapstart";

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
        int registeredBefore = io.conveyor.benchmarks.snapstart.Core.registered();
        long before = System.nanoTime();
        RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) Class.forName(args[0])
                .getConstructor().newInstance();
        long constructed = System.nanoTime();
        long prime = -1;
        if (args[2].equals("prime")) {
            // What SnapStart runs: the resources the handler registered with CRaC's global context.
            if (io.conveyor.benchmarks.snapstart.Core.registered() == registeredBefore) {
                throw new IllegalStateException(args[0] + " registered no CRaC resource: nothing primes it before a"
                        + " snapshot (or org.crac.Core.Compat is not " + SNAPSTART + ")");
            }
            long priming = System.nanoTime();
            org.crac.Core.checkpointRestore();
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
