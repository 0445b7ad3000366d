package io.conveyor.cli.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The handlers' HTTP client with faults: a share of one service's calls is throttled (answered as AWS
 * answers a throttled call, without reaching the emulator) or fails with a server error after it ran
 * (its effect happened, its answer is lost). The SDK meets them as it meets AWS's: its retries, its
 * errors. The service is read from the request's signature (its credential scope names it).
 */
final class FaultyHttpClient implements SdkHttpClient {

    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/[^/]+/([^/]+)/aws4_request");

    private final SdkHttpClient delegate;
    private final Faults faults;

    FaultyHttpClient(SdkHttpClient delegate, Faults faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String service = service(request.httpRequest()).orElse("");
        return switch (faults.call(service, operation(request.httpRequest()))) {
            case NONE -> delegate.prepareRequest(request);
            case THROTTLED -> throttled(service);
            case FAILED -> {
                ExecutableHttpRequest real = delegate.prepareRequest(request);
                yield new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        HttpExecuteResponse response = real.call();
                        response.responseBody().ifPresent(body -> {
                            try {
                                body.close();
                            } catch (IOException e) {
                                // the answer is dropped anyway
                            }
                        });
                        return serverError(service).call();
                    }

                    @Override
                    public void abort() {
                        real.abort();
                    }
                };
            }
        };
    }

    /** The service a signed request is for ({@code s3}, {@code sqs}, {@code ecs}, {@code ec2}, …). */
    static Optional<String> service(SdkHttpRequest request) {
        return request.firstMatchingHeader("Authorization").map(SCOPE::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1));
    }

    /**
     * The operation a JSON-protocol request calls ({@code StartTask} of
     * {@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.StartTask}), or {@code ""}.
     */
    static String operation(SdkHttpRequest request) {
        return request.firstMatchingHeader("X-Amz-Target").map(target -> target.substring(target.lastIndexOf('.') + 1))
                .orElse("");
    }

    /** How AWS says "too many calls": S3's 503 SlowDown, EC2's RequestLimitExceeded, the JSON services' ThrottlingException. */
    private static ExecutableHttpRequest throttled(String service) {
        return switch (service) {
            case "s3" -> response(503, "application/xml", "<Error><Code>SlowDown</Code><Message>Please reduce your "
                    + "request rate. (sandbox fault)</Message></Error>");
            case "ec2" -> response(503, "text/xml", "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>"
                    + "Request limit exceeded. (sandbox fault)</Message></Error></Errors><RequestID>sandbox</RequestID>"
                    + "</Response>");
            default -> response(400, "application/x-amz-json-1.1", "{\"__type\":\"ThrottlingException\",\"message\":"
                    + "\"Rate exceeded (sandbox fault)\"}");
        };
    }

    private static ExecutableHttpRequest serverError(String service) {
        return switch (service) {
            case "s3" -> response(500, "application/xml", "<Error><Code>InternalError</Code><Message>We encountered an "
                    + "internal error. (sandbox fault)</Message></Error>");
            case "ec2" -> response(500, "text/xml", "<Response><Errors><Error><Code>InternalError</Code><Message>"
                    + "An internal error has occurred. (sandbox fault)</Message></Error></Errors><RequestID>sandbox"
                    + "</RequestID></Response>");
            default -> response(500, "application/x-amz-json-1.1", "{\"__type\":\"InternalFailure\",\"message\":"
                    + "\"internal failure (sandbox fault)\"}");
        };
    }

    private static ExecutableHttpRequest response(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                SdkHttpFullResponse response = SdkHttpFullResponse.builder().statusCode(status)
                        .putHeader("Content-Type", contentType).putHeader("Content-Length", Integer.toString(bytes.length))
                        .putHeader("x-amzn-RequestId", "sandbox-fault").build();
                return HttpExecuteResponse.builder().response(response)
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
            }

            @Override
            public void abort() {
            }
        };
    }

    @Override
    public String clientName() {
        return "sandbox-faults(" + delegate.clientName() + ")";
    }

    @Override
    public void close() {
        delegate.close();
    }
}
