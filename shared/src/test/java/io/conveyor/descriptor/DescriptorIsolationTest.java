package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The descriptor's {@code isolation}: defaults, legacy conversion, precise errors, and warnings. */
class DescriptorIsolationTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    private static Validation validate(String extra) {
        String json = "{\"name\": \"wc\", \"image\": \"busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}" + extra + "}";
        return VALIDATOR.validate("algorithms/wc.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validate_noIsolation_defaultsToNonRootWithoutNetworkAndWarnsOfNothing() {
        // When
        Validation validation = validate("");

        // Then
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.warnings()).isEmpty();
        assertThat(validation.descriptor().isolation()).isEqualTo(new Descriptor.Isolation(false, false, false));
    }

    @Test
    void validate_runAsRootAndNetwork_isValidWithAWarningNamingEachField() {
        // When
        Validation validation = validate(", \"isolation\": {\"runAsRoot\": true, \"readOnlyRootFilesystem\": true,"
                + " \"network\": true}");

        // Then
        assertThat(validation.errors()).isEmpty();
        assertThat(validation.descriptor().isolation()).isEqualTo(new Descriptor.Isolation(true, true, true));
        assertThat(validation.warnings()).extracting(Problem::path)
                .containsExactly("/isolation/network", "/isolation/runAsRoot");
        assertThat(validation.warnings().get(0).message()).contains("task role's credentials");
        assertThat(validation.warnings().get(1).message()).contains("root");
    }

    @Test
    void validate_portsWithoutNetwork_isRefusedAtIsolationNetwork() {
        // When
        Validation validation = validate(", \"ports\": [{\"port\": 8080}], \"isolation\": {\"network\": false}");

        // Then
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("/isolation/network");
            assertThat(problem.message()).contains("/ports");
        });
    }

    @Test
    void validate_portsAlone_implyNetworkWithAWarningAtPorts() {
        // When
        Validation validation = validate(", \"ports\": [{\"port\": 8080}]");

        // Then
        assertThat(validation.descriptor().isolation().network()).isTrue();
        assertThat(validation.warnings()).extracting(Problem::path).containsExactly("/ports");
    }

    @Test
    void validate_wrongIsolationValues_nameTheField() {
        // When
        Validation unknown = validate(", \"isolation\": {\"privileged\": true}");
        Validation notBoolean = validate(", \"isolation\": {\"runAsRoot\": \"yes\"}");

        // Then
        assertThat(unknown.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("/isolation/privileged");
            assertThat(problem.message()).isEqualTo("unknown field 'privileged'");
        });
        assertThat(notBoolean.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("/isolation/runAsRoot");
            assertThat(problem.message()).contains("boolean");
        });
    }

    @Test
    void validate_legacyDescriptor_getsTheSameDefaultsAndNetworkOnlyForPorts() throws Exception {
        // Given the legacy example (one port) and a legacy descriptor without ports
        byte[] withPort = Files.readAllBytes(Path.of("..", "algorithms", "legacy-change123.json"));
        byte[] withoutPort = ("{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"r $input $output\"}")
                .getBytes(StandardCharsets.UTF_8);

        // When
        Validation ported = VALIDATOR.validate("algorithms/legacy-change123.json", withPort);
        Validation plain = VALIDATOR.validate("algorithms/x.json", withoutPort);

        // Then both are non-root with a writable root; only the one with a port has networking, with a
        // warning at the legacy field
        assertThat(plain.descriptor().isolation()).isEqualTo(new Descriptor.Isolation(false, false, false));
        assertThat(ported.descriptor().isolation()).isEqualTo(new Descriptor.Isolation(false, false, true));
        assertThat(ported.warnings()).extracting(Problem::path).contains("/port");
    }
}
