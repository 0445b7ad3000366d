package io.conveyor.aws;

import io.conveyor.config.Environment;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place that builds SDK clients: the region from {@code AWS_REGION}, the default
 * credentials chain (pinning a provider would break SnapStart), url-connection-client, and an
 * endpoint override from {@code AWS_ENDPOINT_URL} for emulators such as moto or LocalStack.
 *
 * <p>Build clients once, at init; each call here builds a new client. Every client passes through
 * {@link #priming()}'s gate and is primed with the others. The clients of one {@code AwsClients} (and of
 * the copies {@link #with} makes) share one url-connection HTTP client: each one builds its own TLS context
 * (the JDK's trust store read again), which was the largest single cost of a handler's construction.
 */
public final class AwsClients {

    /** How many times {@link #ecsForStarts()} sends a StartTask that ECS keeps throttling. */
    public static final int START_ATTEMPTS = 4;
    /** Set by the Lambda runtime; set it yourself elsewhere. */
    public static final String REGION_VARIABLE = "AWS_REGION";
    /** Optional: an emulator's URL. Never set on AWS. */
    public static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

    private final Region region;
    private final URI endpoint;
    private final List<ExecutionInterceptor> interceptors;
    private final UnaryOperator<SdkHttpClient> httpClient;
    private final Priming priming;
    /** The one url-connection client, built with the first service client (a function that builds none pays nothing). */
    private final Shared http;

    private AwsClients(Region region, URI endpoint, List<ExecutionInterceptor> interceptors,
                       UnaryOperator<SdkHttpClient> httpClient, Priming priming, Shared http) {
        this.region = region;
        this.endpoint = endpoint;
        this.interceptors = List.copyOf(interceptors);
        this.httpClient = httpClient;
        this.priming = priming;
        this.http = http;
    }

    /** One url-connection client, built when first asked for; it holds no pool, so it is never closed. */
    private static final class Shared {
        private SdkHttpClient client;

        synchronized SdkHttpClient get() {
            if (client == null) {
                client = UrlConnectionHttpClient.builder().build();
            }
            return client;
        }
    }

    /**
     * Reads {@code AWS_REGION} (required) and {@code AWS_ENDPOINT_URL} (optional).
     *
     * @throws io.conveyor.config.MissingConfigurationException when {@code AWS_REGION} is unset
     * @throws IllegalArgumentException naming {@code AWS_ENDPOINT_URL} when it is not an http(s) URL
     */
    public static AwsClients from(Environment env) {
        String regionName = env.optional(REGION_VARIABLE).orElseThrow(() -> new io.conveyor.config.MissingConfigurationException(
                REGION_VARIABLE, "Lambda sets it; elsewhere export it, e.g. AWS_REGION=us-east-1"));
        Region region = Region.of(regionName);
        URI endpoint = env.optional(ENDPOINT_VARIABLE).map(AwsClients::endpoint).orElse(null);
        return new AwsClients(region, endpoint, List.of(), null, new Priming(), new Shared());
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(ENDPOINT_VARIABLE + " must be an http(s) URL, was '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(ENDPOINT_VARIABLE + " is not a URL: '" + value + "'", e);
        }
    }

    /**
     * The same configuration, whose clients also pass every request through {@code interceptor}
     * (tests use this to see the exact requests that reach AWS).
     */
    public AwsClients with(ExecutionInterceptor interceptor) {
        List<ExecutionInterceptor> more = new ArrayList<>(interceptors);
        more.add(interceptor);
        return new AwsClients(region, endpoint, more, httpClient, priming, http);
    }

    /**
     * The same configuration, whose clients send their requests through {@code wrap} applied to the
     * url-connection client (the sandbox injects throttling and server errors this way, where the SDK
     * sees them as it would AWS's: its retries and error handling included).
     */
    public AwsClients withHttpClient(UnaryOperator<SdkHttpClient> wrap) {
        return new AwsClients(region, endpoint, interceptors, wrap, priming, http);
    }

    /**
     * The SnapStart priming of every client built here (shared by the copies {@link #with} and
     * {@link #withHttpClient} make): a function registers it, or runs it, once its clients are built.
     */
    public Priming priming() {
        return priming;
    }

    /** The region every client talks to. */
    public Region region() {
        return region;
    }

    /** Whether an emulator endpoint overrides AWS's. */
    public boolean overridden() {
        return endpoint != null;
    }

    /** A new S3 client; path-style addressing when an emulator endpoint is set. */
    public S3Client s3() {
        return priming.track(configure(S3Client.builder()).forcePathStyle(overridden()).build());
    }

    /** A new SQS client. */
    public SqsClient sqs() {
        return priming.track(configure(SqsClient.builder()).build());
    }

    /** A new ECS client. */
    public EcsClient ecs() {
        return priming.track(configure(EcsClient.builder()).build());
    }

    /**
     * A new ECS client that never retries a call. For StartTask: a retried call after a lost answer
     * can start a second task, so the caller decides instead (it checks for the task first).
     */
    public EcsClient ecsWithoutRetries() {
        software.amazon.awssdk.services.ecs.EcsClientBuilder builder = configure(EcsClient.builder());
        builder.overrideConfiguration(o -> o.executionInterceptors(interceptors)
                .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()));
        return priming.track(builder.build());
    }

    /**
     * A new ECS client for StartTask that retries a throttled call only (up to {@value #START_ATTEMPTS}
     * attempts, backing off 250 ms, doubling, with jitter): ECS refuses a throttled call before it starts
     * anything, so trying it again cannot start a second task. A call whose answer was lost or that met a
     * server error is never retried: the caller decides (it checks for the task first). Dispatch paces its
     * starts within ECS's rate, but calls reach ECS later than they were paced, unevenly, and a burst of
     * them can still find ECS's bucket empty (the sandbox's burst with {@code --fault ecs-rate} saw it).
     */
    public EcsClient ecsForStarts() {
        Predicate<Throwable> throttled = e -> e instanceof SdkServiceException service && service.isThrottlingException();
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(250), Duration.ofSeconds(4));
        software.amazon.awssdk.services.ecs.EcsClientBuilder builder = configure(EcsClient.builder());
        builder.overrideConfiguration(o -> o.executionInterceptors(interceptors)
                .retryStrategy(DefaultRetryStrategy.standardStrategyBuilder().retryOnException(throttled)
                        .treatAsThrottling(throttled).maxAttempts(START_ATTEMPTS).backoffStrategy(backoff)
                        .throttlingBackoffStrategy(backoff).circuitBreakerEnabled(false).useClientDefaults(false)
                        .build()));
        return priming.track(builder.build());
    }

    /** A new DynamoDB client (the job index). */
    public DynamoDbClient dynamoDb() {
        return priming.track(configure(DynamoDbClient.builder()).build());
    }

    /** A new EC2 client. */
    public Ec2Client ec2() {
        return priming.track(configure(Ec2Client.builder()).build());
    }

    /** A new CloudWatch client. */
    public CloudWatchClient cloudWatch() {
        return priming.track(configure(CloudWatchClient.builder()).build());
    }

    /** A new EventBridge client (the sandbox's rules and events). */
    public software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
        return priming.track(configure(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()).build());
    }

    /** A new CloudWatch Logs client (the sandbox's log groups and task logs). */
    public software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient logs() {
        return priming.track(configure(software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.builder()).build());
    }

    /** A new CloudFormation client (the sandbox's outputs, found as a deployed stack's are). */
    public software.amazon.awssdk.services.cloudformation.CloudFormationClient cloudFormation() {
        return priming.track(configure(software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder()).build());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder) {
        builder.region(region);
        SdkHttpClient shared = http.get();
        // Passed in, so the SDK does not close it with a client: the others still use it, and it holds no pool.
        builder.httpClient(priming.gate(httpClient == null ? shared : httpClient.apply(shared)));
        if (!interceptors.isEmpty()) {
            builder.overrideConfiguration(o -> o.executionInterceptors(interceptors));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }
}
