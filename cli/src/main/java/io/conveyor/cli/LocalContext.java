package io.conveyor.cli;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The Lambda context of an in-process invocation: the function's name, memory and timeout from the
 * template, a fresh request id, a logger on stderr.
 */
public final class LocalContext implements Context {

    private final String functionName;
    private final int memoryMiB;
    private final Instant deadline;
    private final Clock clock;
    private final String requestId = UUID.randomUUID().toString();
    private final LambdaLogger logger;

    LocalContext(String functionName, int memoryMiB, int timeoutSeconds, PrintStream log) {
        this(functionName, memoryMiB, timeoutSeconds, log, Clock.systemUTC());
    }

    /**
     * A context whose remaining time counts on {@code clock} (the sandbox's, which may run faster than the
     * wall clock, as the handler's own clock does).
     */
    public LocalContext(String functionName, int memoryMiB, int timeoutSeconds, PrintStream log, Clock clock) {
        this.functionName = functionName;
        this.memoryMiB = memoryMiB;
        this.clock = clock;
        this.deadline = clock.instant().plus(Duration.ofSeconds(timeoutSeconds));
        this.logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                log.println(message);
            }

            @Override
            public void log(byte[] message) {
                log.println(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/" + requestId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:local:000000000000:function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMiB;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
