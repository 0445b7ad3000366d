package io.conveyor.cli.sandbox;

import io.conveyor.config.Environment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code moto_server} the sandbox starts on 127.0.0.1 and stops by its process, and the moto
 * settings the sandbox needs on any moto (started here or named by {@code --endpoint}).
 */
public final class MotoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MotoServer.class);
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code moto_server} (from the {@code PATH}) on a free loopback port and waits until it answers. It
     * runs with {@link MotoSiteCustomize} written into {@code moto-python/} next to {@code log}, so that it does not
     * grow by gigabytes on a long run.
     *
     * @param log where its output goes
     * @throws IOException naming what to install when it cannot be started, or when it does not answer in time
     */
    public static MotoServer start(Path log) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path site = MotoSiteCustomize.write(log.toAbsolutePath().resolveSibling("moto-python"));
        ProcessBuilder builder = new ProcessBuilder(List.of("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(MotoSiteCustomize.VARIABLE, MotoSiteCustomize.pythonPath(site, Environment.system()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start moto_server (" + e.getMessage() + "): install it with "
                    + "pip install 'moto[server]==5.2.1', or give --endpoint URL of a running emulator", e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        MotoServer server = new MotoServer(process, endpoint);
        // The server outlives no JVM that started it, whatever ends the JVM (but SIGKILL).
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "moto-server-stop"));
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (!answers(endpoint)) {
            if (!process.isAlive()) {
                throw new IOException("moto_server exited with " + process.exitValue() + " before it answered; see " + log);
            }
            if (Instant.now().isAfter(deadline)) {
                server.close();
                throw new IOException("moto_server did not answer on " + endpoint + " within " + READY_WITHIN.toSeconds()
                        + " s; see " + log);
            }
            Thread.sleep(100);
        }
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The process started: {@code moto_server}, or the launcher that runs it (a pyenv shim execs it in place). */
    ProcessHandle process() {
        return process.toHandle();
    }

    /** Whether a moto answers at {@code endpoint} (its own API, not AWS's). */
    public static boolean answers(URI endpoint) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    endpoint.resolve("/moto-api/data.json")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Makes moto leave ECS tasks where the sandbox's agent puts them: by default moto moves a task one
     * step on every DescribeTasks, whatever runs. Nothing to do on another emulator.
     *
     * @return whether the emulator is a moto that took the setting
     */
    public static boolean leaveTasksToTheAgent(URI endpoint) throws InterruptedException {
        String body = "{\"model_name\": \"ecs::task\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000000}}";
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    endpoint.resolve("/moto-api/state-manager/set-transition")).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 || response.statusCode() == 201;
        } catch (IOException e) {
            LOG.info("outcome=not-moto endpoint={} reason=\"{}\"", endpoint, e.getMessage());
            return false;
        }
    }

    /** Stops the server it started and everything it started. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
