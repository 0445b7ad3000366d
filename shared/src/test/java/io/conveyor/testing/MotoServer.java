package io.conveyor.testing;

import io.conveyor.aws.AwsClients;
import io.conveyor.config.Environment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A moto server the tests talk to over HTTP, and the configuration that points Conveyor at it.
 */
public final class MotoServer {

    /** The region every emulator test uses. */
    public static final String REGION = "us-east-1";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI endpoint;

    MotoServer(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The environment a function gets to talk to this server, plus {@code extra} variables. */
    public Environment environment(Map<String, String> extra) {
        Map<String, String> variables = new java.util.HashMap<>(extra);
        variables.put(AwsClients.REGION_VARIABLE, REGION);
        variables.put(AwsClients.ENDPOINT_VARIABLE, endpoint.toString());
        return Environment.of(variables);
    }

    /** Clients for this server (dummy credentials come from the aws.accessKeyId system properties). */
    public AwsClients clients() {
        return AwsClients.from(environment(Map.of()));
    }

    /** Forgets every resource: each test starts from an empty AWS. */
    public void reset() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("moto reset answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Whether the server answers. */
    boolean answers() {
        try {
            return send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json")).timeout(Duration.ofSeconds(2))
                    .GET().build()).statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to moto", e);
        }
    }
}
