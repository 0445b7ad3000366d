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
import java.util.HashMap;
import java.util.Map;

/**
 * A running AWS emulator the tests talk to over HTTP, and the configuration that points Conveyor at it.
 */
public final class Emulator {

    /** The region every emulator test uses. */
    public static final String REGION = "us-east-1";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final URI endpoint;
    private final String resetPath;

    /**
     * @param name      e.g. {@code moto}, for messages
     * @param endpoint  where it listens
     * @param resetPath the path that forgets all state on a POST
     */
    public Emulator(String name, URI endpoint, String resetPath) {
        this.name = name;
        this.endpoint = endpoint;
        this.resetPath = resetPath;
    }

    /** A moto server: {@code POST /moto-api/reset} forgets everything. */
    public static Emulator moto(URI endpoint) {
        return new Emulator("moto", endpoint, "/moto-api/reset");
    }

    /** Which emulator this is. */
    public String name() {
        return name;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The environment a function gets to talk to this emulator, plus {@code extra} variables. */
    public Environment environment(Map<String, String> extra) {
        Map<String, String> variables = new HashMap<>(extra);
        variables.put(AwsClients.REGION_VARIABLE, REGION);
        variables.put(AwsClients.ENDPOINT_VARIABLE, endpoint.toString());
        return Environment.of(variables);
    }

    /** Clients for this emulator (dummy credentials come from the aws.accessKeyId system properties). */
    public AwsClients clients() {
        return AwsClients.from(environment(Map.of()));
    }

    /** Forgets every resource: each test starts from an empty AWS. */
    public void reset() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(endpoint.resolve(resetPath))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(name + " reset answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Whether anything answers HTTP at the endpoint. */
    public boolean answers() {
        try {
            send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).GET().build());
            return true;
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
            throw new IllegalStateException("interrupted while talking to the emulator", e);
        }
    }
}
