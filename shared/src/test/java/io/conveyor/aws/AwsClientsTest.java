package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.config.Environment;
import io.conveyor.config.MissingConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

    @Test
    void from_noRegion_failsNamingAwsRegion() {
        assertThatThrownBy(() -> AwsClients.from(Environment.of(Map.of())))
                .isInstanceOf(MissingConfigurationException.class).hasMessageContaining("AWS_REGION");
    }

    @Test
    void from_endpointNotHttp_failsNamingTheVariable() {
        Environment env = Environment.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL", "localhost:5000"));

        assertThatThrownBy(() -> AwsClients.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("AWS_ENDPOINT_URL must be an http(s) URL, was 'localhost:5000'");
    }

    @Test
    void from_regionOnly_talksToAwsInThatRegion() {
        AwsClients clients = AwsClients.from(Environment.of(Map.of("AWS_REGION", "eu-west-1")));

        assertThat(clients.region()).isEqualTo(Region.EU_WEST_1);
        assertThat(clients.overridden()).isFalse();
    }

    @Test
    void s3_withEndpoint_talksToThatEndpoint() {
        AwsClients clients = AwsClients.from(Environment.of(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566")));

        try (var s3 = clients.s3()) {
            assertThat(s3.serviceClientConfiguration().endpointOverride()).hasValueSatisfying(
                    uri -> assertThat(uri.toString()).isEqualTo("http://127.0.0.1:4566"));
            assertThat(clients.overridden()).isTrue();
        }
    }
}
