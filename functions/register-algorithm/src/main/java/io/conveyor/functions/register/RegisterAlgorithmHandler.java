package io.conveyor.functions.register;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.conveyor.aws.AwsClients;
import io.conveyor.aws.EcsTaskDefinitions;
import io.conveyor.aws.Priming;
import io.conveyor.aws.S3ObjectStore;
import io.conveyor.config.Environment;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.events.S3EventNotifications;
import io.conveyor.lambda.SqsBatch;
import io.conveyor.registration.ObjectStoreRegistry;
import io.conveyor.registration.Registrar;
import io.conveyor.registration.WrapSettings;
import io.conveyor.storage.StorageEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.crac.Core;

/**
 * Descriptors and pipeline files uploaded to (or deleted from) {@code algorithms/} of the input bucket
 * (S3 → SQS → here): a descriptor is validated and registered as a wrapped ECS task definition, or retired;
 * a pipeline is validated against the registered algorithms and recorded under {@code registry/pipelines/},
 * or retired; every outcome goes to {@code registry/outcomes/} of the output bucket.
 */
public final class RegisterAlgorithmHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    static final String OUTPUT_BUCKET = "OUTPUT_BUCKET";
    static final String TASK_FAMILY_PREFIX = "TASK_FAMILY_PREFIX";
    static final String TASK_ROLE_ARN = "TASK_ROLE_ARN";
    static final String EXECUTION_ROLE_ARN = "EXECUTION_ROLE_ARN";
    static final String TASK_LOG_GROUP = "TASK_LOG_GROUP";
    static final String STAGE_IMAGE = "STAGE_IMAGE";

    /**
     * What SnapStart's priming validates in memory, one descriptor of each format: the schemas' validators and
     * the legacy converter otherwise load on the first request.
     */
    static final List<String> PRIMING_DESCRIPTORS = List.of("""
            {"name":"priming","image":"public.ecr.aws/docker/library/busybox:1.36","command":["true"],
            "input":{"suffixes":[".txt"]},"resources":{"vcpu":0.25,"memoryMiB":256}}""", """
            {"name":"priming","container_name":"busybox","run_command":"wc $input > $output",
            "input_file_path":"/in","output_file_path":"/out","memory":{"minimal":256}}""");

    private final Registrar registrar;
    private final Priming priming;

    /** For the Lambda runtime: real clients, built once, primed before SnapStart's snapshot. */
    public RegisterAlgorithmHandler() {
        this(Environment.system());
        // SnapStart primes this handler's clients before its snapshot (the handler holds its Priming, which the
        // context may hold only weakly).
        Core.getGlobalContext().register(priming);
    }

    /** For {@code conveyor invoke}: configuration from the given environment. */
    public RegisterAlgorithmHandler(Environment env) {
        this(AwsClients.from(env), env);
    }

    /** For the sandbox and emulator tests: the given clients (interceptors may mend or record their calls). */
    public RegisterAlgorithmHandler(AwsClients aws, Environment env) {
        this(registrar(aws, env), aws.priming());
    }

    /** For tests: the collaborators. */
    public RegisterAlgorithmHandler(Registrar registrar) {
        this(registrar, new Priming());
    }

    private RegisterAlgorithmHandler(Registrar registrar, Priming priming) {
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.priming = priming;
    }



    private static Registrar registrar(AwsClients aws, Environment env) {
        S3ObjectStore store = new S3ObjectStore(aws.s3());
        WrapSettings settings = new WrapSettings(env.required(TASK_FAMILY_PREFIX), env.required(TASK_ROLE_ARN),
                env.required(EXECUTION_ROLE_ARN), env.required(TASK_LOG_GROUP), aws.region().id(),
                env.required(STAGE_IMAGE));
        ObjectStoreRegistry registry = new ObjectStoreRegistry(store, env.required(OUTPUT_BUCKET));
        DescriptorValidator validator = new DescriptorValidator();
        // In memory only: a validation calls no client and writes nothing.
        aws.priming().path(() -> PRIMING_DESCRIPTORS.forEach(descriptor -> validator.validate("priming.json",
                descriptor.getBytes(StandardCharsets.UTF_8))));
        return new Registrar(store, validator, registry, registry, new EcsTaskDefinitions(aws.ecs()), settings,
                Clock.systemUTC());
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return SqsBatch.process(event, body -> {
            for (StorageEvent change : S3EventNotifications.parse(body)) {
                registrar.reconcile(change.object());
            }
        });
    }
}
