package io.conveyor.functions.fleet;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a custom resource's answer: an HTTP PUT of the JSON body to the request's pre-signed
 * ResponseURL (S3). CloudFormation waits for it, up to the resource's ServiceTimeout, so every send
 * is bounded and tried a few times; a send that still fails is logged, since nothing else can be done.
 */
final class CustomResourceResponder {

    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceResponder.class);

    private final HttpClient http;
    private final Duration timeout;
    private final int attempts;
    private final Duration pause;

    /** Three attempts of at most 20 s each, 2 s apart. */
    CustomResourceResponder() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Duration.ofSeconds(20), 3,
                Duration.ofSeconds(2));
    }

    CustomResourceResponder(HttpClient http, Duration timeout, int attempts, Duration pause) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.attempts = attempts;
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** Sends the answer; returns whether the URL took it (a 2xx). */
    boolean send(CloudFormationCustomResourceEvent event, CustomResourceResponse response) {
        byte[] body = response.body(event);
        // AWS documents the answer with an empty content type. Java's HttpClient sends no Content-Type
        // unless asked (HttpURLConnection would add application/x-www-form-urlencoded to a body).
        HttpRequest request = HttpRequest.newBuilder(URI.create(event.getResponseUrl()))
                .timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() / 100 == 2) {
                    LOG.info("outcome=responded status={} request={} attempt={} bytes={}", response.status(),
                            event.getRequestId(), attempt, body.length);
                    return true;
                }
                last = "HTTP " + answer.statusCode() + ": " + abbreviate(answer.body());
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "interrupted";
                break;
            }
            LOG.warn("outcome=response-refused status={} request={} attempt={} error={}", response.status(),
                    event.getRequestId(), attempt, last);
            if (attempt < attempts && !sleep()) {
                break;
            }
        }
        LOG.error("outcome=response-not-sent status={} request={} error={}", response.status(), event.getRequestId(),
                last);
        return false;
    }

    private boolean sleep() {
        try {
            Thread.sleep(pause.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
