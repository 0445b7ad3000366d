package io.conveyor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.conveyor.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An "instant AWS" for the dispatch benchmark: an HTTP endpoint on 127.0.0.1 that answers, with canned minimal
 * answers and no state, exactly the operations dispatch's warm path calls: S3 PutObject of a job record and GetObject
 * of the one registry record, ECS StartTask, ListContainerInstances and DescribeContainerInstances (instances with
 * room), DynamoDB PutItem and TransactWriteItems. The SDK clients stay the real ones (signing, marshalling, HTTP);
 * only the far side answers at once, so what a benchmark measures against it is the handler's own time.
 *
 * <p>Any other request is refused with HTTP 400 naming it, and remembered ({@link #refused()}), so a benchmark
 * cannot silently measure another path. It times its own work per request ({@link #nanos()}, {@link #cpuNanos()},
 * {@link #requests()}).
 */
final class InstantAwsEndpoint implements AutoCloseable {

    static final String ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";
    static final String DYNAMODB_TARGET = "DynamoDB_20120810.";
    private static final String INSTANCE_ARN = "arn:aws:ecs:us-east-1:123456789012:container-instance/%s/%032d";

    private final HttpServer server;
    private final ExecutorService threads;
    private final String bucket;
    private final String registryKey;
    private final byte[] registryRecord;
    private final String cluster;
    private final int instances;
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    private final List<String> refused = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param bucket         the output bucket: job records under {@code jobs/} are written there
     * @param registryKey    the key of the one registry record GetObject answers
     * @param registryRecord its bytes, as the registry writes them
     * @param cluster        the ECS cluster named in the container instances' ARNs
     * @param instances      how many container instances the cluster lists, each with a whole m6i.large free
     * @param threads        the size of the endpoint's thread pool
     */
    InstantAwsEndpoint(String bucket, String registryKey, byte[] registryRecord, String cluster, int instances,
                       int threads) throws IOException {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.registryKey = Objects.requireNonNull(registryKey, "registryKey");
        this.registryRecord = registryRecord.clone();
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.instances = instances;
        this.threads = Executors.newFixedThreadPool(threads);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(this.threads);
        server.start();
    }

    /** Where the SDK clients are pointed ({@code AWS_ENDPOINT_URL}). */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The requests it refused, each as its operation (or method and path) and why, in order. */
    List<String> refused() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    /** Requests answered or refused so far. */
    long requests() {
        return requests.get();
    }

    /** The endpoint's own time over all requests so far: from its handler's start to its answer sent. */
    long nanos() {
        return nanos.get();
    }

    /** The CPU time its handler's threads spent over all requests so far (the HTTP server's own thread not counted). */
    long cpuNanos() {
        return cpuNanos.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        long startCpu = cpu.getCurrentThreadCpuTime();
        try (exchange; InputStream body = exchange.getRequestBody()) {
            byte[] request = body.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null) {
                answerJson(exchange, target, request);
            } else {
                answerS3(exchange);
            }
        } finally {
            requests.incrementAndGet();
            nanos.addAndGet(System.nanoTime() - start);
            cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - startCpu);
        }
    }

    private void answerS3(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        String operation = method + (query == null ? "" : " ?" + query);
        boolean copy = exchange.getRequestHeaders().containsKey("x-amz-copy-source");
        if (!copy && (operation.equals("PUT") || operation.equals("PUT ?x-id=PutObject"))
                && path.startsWith("/" + bucket + "/jobs/") && path.endsWith(".json")) {
            exchange.getResponseHeaders().set("ETag", "\"" + Long.toHexString(System.nanoTime()) + "\"");
            exchange.sendResponseHeaders(200, -1);
        } else if ((operation.equals("GET") || operation.equals("GET ?x-id=GetObject"))
                && path.equals("/" + bucket + "/" + registryKey)) {
            exchange.getResponseHeaders().set("ETag", "\"registry-1\"");
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            send(exchange, 200, registryRecord);
        } else {
            String what = "S3 " + operation + " " + path;
            refused.add(what);
            exchange.getResponseHeaders().set("Content-Type", "application/xml");
            send(exchange, 400, ("<Error><Code>UnknownOperation</Code><Message>the instant endpoint does not know "
                    + what + "</Message></Error>").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void answerJson(HttpExchange exchange, String target, byte[] request) throws IOException {
        ObjectNode answer = Json.mapper().createObjectNode();
        switch (target) {
            case ECS_TARGET + "StartTask" -> startTask(Json.mapper().readTree(request), answer);
            case ECS_TARGET + "ListContainerInstances" -> {
                ArrayNode arns = answer.putArray("containerInstanceArns");
                for (int i = 0; i < instances; i++) {
                    arns.add(INSTANCE_ARN.formatted(cluster, i));
                }
            }
            case ECS_TARGET + "DescribeContainerInstances" -> describe(Json.mapper().readTree(request), answer);
            case DYNAMODB_TARGET + "PutItem", DYNAMODB_TARGET + "TransactWriteItems" -> { }
            default -> {
                refused.add(target);
                answer.put("__type", "UnknownOperationException")
                        .put("message", "the instant endpoint does not know " + target);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                send(exchange, 400, Json.mapper().writeValueAsBytes(answer));
                return;
            }
        }
        exchange.getResponseHeaders().set("Content-Type", target.startsWith(DYNAMODB_TARGET)
                ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1");
        send(exchange, 200, Json.mapper().writeValueAsBytes(answer));
    }

    /** One task, on the instance asked for, of the definition asked for; no failures. */
    private void startTask(JsonNode request, ObjectNode answer) {
        ObjectNode task = answer.putArray("tasks").addObject();
        task.put("taskArn", "arn:aws:ecs:us-east-1:123456789012:task/" + cluster + "/"
                + "%032x".formatted(tasks.incrementAndGet()));
        task.put("clusterArn", "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster);
        task.put("taskDefinitionArn", request.path("taskDefinition").asText());
        task.put("containerInstanceArn", request.path("containerInstances").path(0).asText());
        task.put("startedBy", request.path("startedBy").asText());
        task.put("lastStatus", "PENDING");
        task.put("desiredStatus", "RUNNING");
        answer.putArray("failures");
    }

    /** Each instance asked for: ACTIVE, agent connected, nothing running, all of an m6i.large free. */
    private void describe(JsonNode request, ObjectNode answer) {
        ArrayNode described = answer.putArray("containerInstances");
        for (JsonNode arn : request.path("containerInstances")) {
            String id = arn.asText().substring(arn.asText().lastIndexOf('/') + 1);
            ObjectNode instance = described.addObject();
            instance.put("containerInstanceArn", arn.asText());
            instance.put("ec2InstanceId", "i-" + id.substring(id.length() - 17));
            instance.put("status", "ACTIVE");
            instance.put("agentConnected", true);
            instance.put("runningTasksCount", 0);
            instance.put("pendingTasksCount", 0);
            instance.putArray("attributes").addObject().put("name", "ecs.instance-type").put("value", "m6i.large");
            for (String field : List.of("registeredResources", "remainingResources")) {
                ArrayNode resources = instance.putArray(field);
                resources.addObject().put("name", "CPU").put("type", "INTEGER").put("integerValue", 2048);
                resources.addObject().put("name", "MEMORY").put("type", "INTEGER").put("integerValue", 7680);
            }
        }
        answer.putArray("failures");
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
