package io.conveyor.aws;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.crac.Context;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * SnapStart priming of one function's clients: a CRaC resource whose {@code beforeCheckpoint} makes each
 * client {@link AwsClients} built for it run its hot path's operations ({@link PrimingCalls}: request
 * marshalling, endpoint resolution, SigV4 signing, response unmarshalling) and Jackson read and write the
 * records and events, so that a restored snapshot has those classes loaded and initialized.
 *
 * <p>It cannot write: every client's HTTP client passes through {@link #gate}, which, while priming runs,
 * answers every request itself with an empty success ({@code {}} for the JSON protocols, an empty CBOR map
 * for CloudWatch's, an empty body otherwise) and never calls the real HTTP client. No request leaves the
 * process, whatever operation is primed and on whichever thread.
 */
public final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    /** Held weakly: a CLI or the sandbox builds and closes many clients, and priming must not keep them. */
    private final Set<SdkClient> clients = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final List<Runnable> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean active;

    /** Priming for the clients that will be {@link #track tracked}. */
    public Priming() {
    }

    /** The given HTTP client, except while priming runs: then every request is answered here. */
    public SdkHttpClient gate(SdkHttpClient delegate) {
        return new Gate(delegate);
    }

    /** Remembers a client to prime; returns it. */
    public <T extends SdkClient> T track(T client) {
        clients.add(client);
        return client;
    }

    /**
     * Adds a function's own hot path to prime after its clients (register-algorithm's descriptor validation,
     * the reconciler's pass), run behind the gate: register only paths whose every call goes through clients
     * tracked here, and whose only other effects stay in memory (no log line read as a metric, no output).
     */
    public void path(Runnable path) {
        paths.add(java.util.Objects.requireNonNull(path, "path"));
    }

    /** Whether requests are being answered locally right now. */
    public boolean active() {
        return active;
    }

    /**
     * Primes every tracked client and the JSON paths, with no request leaving the process. Failures of a
     * primed call are expected (the answers are empty) and never escape.
     */
    public void prime() {
        List<SdkClient> alive;
        synchronized (clients) {
            alive = new ArrayList<>(clients);
        }
        active = true;
        try {
            for (SdkClient client : alive) {
                PrimingCalls.prime(client);
            }
            PrimingCalls.json();
            for (Runnable path : paths) {
                PrimingCalls.path(path);
            }
        } finally {
            active = false;
        }
        LOG.info("outcome=primed clients={} paths={}", alive.size(), paths.size());
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to mend: clients resolve credentials per request, and the gate is open again.
    }

    private final class Gate implements SdkHttpClient {
        private final SdkHttpClient delegate;

        Gate(SdkHttpClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return active ? new Answer(request) : delegate.prepareRequest(request);
        }

        @Override
        public String clientName() {
            return delegate.clientName();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A canned empty success, shaped for the request's protocol. */
    private record Answer(HttpExecuteRequest request) implements ExecutableHttpRequest {
        @Override
        public HttpExecuteResponse call() {
            String contentType = request.httpRequest().firstMatchingHeader("Content-Type").orElse("");
            boolean cbor = request.httpRequest().firstMatchingHeader("smithy-protocol").isPresent();
            byte[] body = cbor ? new byte[] {(byte) 0xA0}
                    : contentType.startsWith("application/x-amz-json") ? "{}".getBytes() : new byte[0];
            SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(200)
                    .putHeader("x-amzn-RequestId", "priming").putHeader("Content-Length", Integer.toString(body.length));
            if (cbor || !contentType.isEmpty()) {
                response.putHeader("Content-Type", cbor ? "application/cbor" : contentType);
            }
            if (cbor) {
                response.putHeader("smithy-protocol", "rpc-v2-cbor");
            }
            return HttpExecuteResponse.builder().response(response.build())
                    .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
        }

        @Override
        public void abort() {
        }
    }
}
