package io.conveyor.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Provides an AWS emulator to {@link AwsEmulator} tests.
 *
 * <ul>
 *   <li>{@code -Dconveyor.emulator=localstack} (the {@code localstack} profile): the
 *       {@link EmulatorLauncher} of that name starts it (a LocalStack container, needs Docker).</li>
 *   <li>{@code MOTO_ENDPOINT} set: that moto server is used (and left running).</li>
 *   <li>Otherwise {@code moto_server} (system property {@code moto.command}) is started on a free
 *       127.0.0.1 port, once per test JVM, and stopped by its process when the JVM's tests end.</li>
 *   <li>No moto_server: under {@code CI=true} the tests fail; elsewhere they are skipped with one
 *       line saying what to install.</li>
 * </ul>
 */
public final class EmulatorExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmulatorExtension.class);
    private static final String INSTALL = "pip install 'moto[server]'";
    private static final Duration STARTUP = Duration.ofSeconds(30);

    @Override
    public void beforeAll(ExtensionContext context) {
        // Start (or find) the emulator once; a missing one is reported per test, as skipped.
        running(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        server(context).reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Emulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static Running running(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, key -> start(), Running.class);
    }

    private static Emulator server(ExtensionContext context) {
        Running running = running(context);
        if (running.unavailable != null) {
            throw new TestAbortedException(running.unavailable);
        }
        return running.server;
    }

    private static Running start() {
        String chosen = System.getProperty("conveyor.emulator", "moto");
        if (!"moto".equals(chosen)) {
            EmulatorLauncher launcher = ServiceLoader.load(EmulatorLauncher.class).stream()
                    .map(ServiceLoader.Provider::get).filter(candidate -> candidate.name().equals(chosen)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no emulator named '" + chosen
                            + "' on the test classpath (LocalStack needs the Maven profile: -Plocalstack)"));
            return new Running(launcher.start(), null, launcher, null);
        }
        String external = System.getenv("MOTO_ENDPOINT");
        if (external != null && !external.isBlank()) {
            Emulator server = Emulator.moto(URI.create(external));
            if (!server.answers()) {
                throw new IllegalStateException("MOTO_ENDPOINT=" + external + " does not answer");
            }
            return new Running(server, null, null, null);
        }
        String command = System.getProperty("moto.command", "moto_server");
        if (!onPath(command)) {
            String message = command + " not found on PATH: emulator tests need it (" + INSTALL + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + "; under CI=true they may not be skipped");
            }
            System.err.println("SKIPPED emulator tests: " + message);
            return new Running(null, null, null, message);
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("moto-" + port + "-", ".log");
            Process process = new ProcessBuilder(command, "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Emulator server = Emulator.moto(URI.create("http://127.0.0.1:" + port));
            Instant deadline = Instant.now().plus(STARTUP);
            while (!motoAnswers(server)) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command + " did not start on port " + port + " within "
                            + STARTUP.toSeconds() + " s; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            log.toFile().deleteOnExit();
            return new Running(server, process, null, null);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command, e);
        }
    }

    /** moto answers its own API once it is up (the root answers earlier on some versions). */
    private static boolean motoAnswers(Emulator server) {
        try {
            server.reset();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        if (command.contains(File.separator)) {
            return Files.isExecutable(Path.of(command));
        }
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The emulator of this test JVM; stopped (by its process, or its launcher) when the JVM's tests end. */
    private record Running(Emulator server, Process process, EmulatorLauncher launcher, String unavailable)
            implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            if (launcher != null) {
                launcher.close();
            }
            if (process == null) {
                return;
            }
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
