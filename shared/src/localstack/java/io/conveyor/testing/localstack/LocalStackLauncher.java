package io.conveyor.testing.localstack;

import io.conveyor.testing.Emulator;
import io.conveyor.testing.EmulatorLauncher;
import java.util.Objects;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container (Testcontainers), for the {@code localstack} Maven profile. Needs a
 * Docker engine. The image comes from {@code -Dlocalstack.image} (default below) and the auth
 * token, which LocalStack's images require since March 2026, from {@code LOCALSTACK_AUTH_TOKEN}.
 */
public final class LocalStackLauncher implements EmulatorLauncher {

    static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

    private LocalStackContainer container;

    @Override
    public String name() {
        return "localstack";
    }

    @Override
    public Emulator start() {
        String image = System.getProperty("localstack.image", DEFAULT_IMAGE);
        container = new LocalStackContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack"));
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        container.start();
        // LocalStack's state REST API forgets every resource on this POST.
        return new Emulator("localstack", Objects.requireNonNull(container.getEndpoint()), "/_localstack/state/reset");
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
