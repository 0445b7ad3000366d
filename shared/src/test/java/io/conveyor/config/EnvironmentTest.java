package io.conveyor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    @Test
    void required_unset_namesTheVariable() {
        Environment env = Environment.of(Map.of());

        assertThatThrownBy(() -> env.required("CLUSTER_NAME"))
                .isInstanceOf(MissingConfigurationException.class)
                .hasMessageStartingWith("environment variable CLUSTER_NAME is not set")
                .extracting(e -> ((MissingConfigurationException) e).variable()).isEqualTo("CLUSTER_NAME");
    }

    @Test
    void required_blank_countsAsUnset() {
        Environment env = Environment.of(Map.of("CLUSTER_NAME", "  "));

        assertThatThrownBy(() -> env.required("CLUSTER_NAME")).isInstanceOf(MissingConfigurationException.class);
        assertThat(env.optional("CLUSTER_NAME")).isEmpty();
    }

    @Test
    void required_set_returnsTheValue() {
        assertThat(Environment.of(Map.of("CLUSTER_NAME", "conveyor")).required("CLUSTER_NAME")).isEqualTo("conveyor");
    }
}
