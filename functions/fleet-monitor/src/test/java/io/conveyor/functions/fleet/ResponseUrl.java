package io.conveyor.functions.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.conveyor.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for a custom resource request's pre-signed ResponseURL (S3): an HTTP server on
 * 127.0.0.1 that remembers every request and answers each with a chosen status.
 */
final class ResponseUrl implements AutoCloseable {

    /** One request as it arrived. */
    record Received(String method, String path, Map<String, List<String>> headers, byte[] body) {

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses;

    /** Answers 200 to everything. */
    ResponseUrl() {
        this(List.of());
    }

    /** Answers the given statuses in turn, then 200. */
    ResponseUrl(List<Integer> statuses) {
        this.statuses = new CopyOnWriteArrayList<>(statuses);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            int status = this.statuses.isEmpty() ? 200 : this.statuses.remove(0);
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    /** The URL to put into the event, with a path and query like a pre-signed S3 URL's. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort()
                + "/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/conveyor/5b9a%7CTeardown%7C7bfe"
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-SignedHeaders=host&X-Amz-Signature=example";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
