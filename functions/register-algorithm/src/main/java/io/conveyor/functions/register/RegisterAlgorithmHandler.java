package io.conveyor.functions.register;

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
 * Descriptors uploaded under {@code algorithms/} of the input bucket (S3 → SQS → here).
 */
public final class RegisterAlgorithmHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final ObjectIntake descriptors;

    /** For the Lambda runtime: real clients, built once. */
    public RegisterAlgorithmHandler() {
        this(Environment.system());
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public RegisterAlgorithmHandler(Environment env) {
        this(new ObjectIntake(new S3ObjectStore(AwsClients.from(env).s3()), BucketLayout.ALGORITHMS_PREFIX));
    }

    /** For tests: the collaborators. */
    public RegisterAlgorithmHandler(ObjectIntake descriptors) {
        this.descriptors = Objects.requireNonNull(descriptors, "descriptors");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, body -> descriptors.accept(S3EventNotifications.parse(body)));
    }
}
