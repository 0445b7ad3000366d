package io.conveyor.functions.dispatch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.events.S3EventNotifications;
import io.conveyor.intake.ObjectIntake;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.storage.BucketLayout;
import java.util.Objects;

/**
 * Input files uploaded under {@code inputs/<algorithm>/} of the input bucket (S3 → SQS → here).
 */
public final class DispatchHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final ObjectIntake inputs;

    /** For the Lambda runtime: real clients, built once. */
    public DispatchHandler() {
        this(Environment.system());
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public DispatchHandler(Environment env) {
        this(new ObjectIntake(new S3ObjectStore(AwsClients.from(env).s3()), BucketLayout.INPUTS_PREFIX));
    }

    /** For tests: the collaborators. */
    public DispatchHandler(ObjectIntake inputs) {
        this.inputs = Objects.requireNonNull(inputs, "inputs");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, body -> inputs.accept(S3EventNotifications.parse(body)));
    }
}
