package io.conveyor.descriptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, finding 8: secrets anywhere a descriptor carries a value into a task, and names that change
 * how a process runs. Before, only AKIA/ASIA key ids in environment values were refused.
 */
class DescriptorSecretsTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    /** AWS's documented example credentials. */
    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String PEM = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\\n"
            + "-----END RSA PRIVATE KEY-----";

    private static String descriptor(String command, String extra) {
        return "{\"name\": \"probe\", \"image\": \"public.ecr.aws/docker/library/busybox:1.36\", \"command\": " + command
                + ", \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}" + (extra == null ? "" : ", " + extra) + "}";
    }

    private static Validation validate(String json) {
        return VALIDATOR.validate("algorithms/probe.json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> secrets() {
        String wc = "[\"wc\", \"${CONVEYOR_INPUT}\"]";
        return Stream.of(
                Arguments.of("key id in a parameter default", descriptor(wc,
                        "\"parameters\": [{\"name\": \"creds\", \"default\": \"" + KEY_ID + "\"}]"),
                        "/parameters/0/default", "AWS access key id"),
                Arguments.of("temporary key id in a command word", descriptor("[\"aws-login\", \"--key\", \"ASIAIOSFODNN7EXAMPLE\"]",
                        null), "/command/2", "AWS access key id"),
                Arguments.of("key id in a command string", descriptor("\"login --key " + KEY_ID + " ${CONVEYOR_INPUT}\"", null),
                        "/command", "AWS access key id"),
                Arguments.of("secret key beside a key id elsewhere", descriptor(wc,
                        "\"environment\": {\"KEY\": \"" + KEY_ID + "\", \"SIGNING\": \"" + SECRET_KEY + "\"}"),
                        "/environment/SIGNING", "AWS secret access key"),
                Arguments.of("secret key in a command word that says secret", descriptor(
                        "[\"sync\", \"--aws-secret-access-key=" + SECRET_KEY + "\"]", null), "/command/1", "AWS secret access key"),
                Arguments.of("secret key in a default named like a secret", descriptor(wc,
                        "\"parameters\": [{\"name\": \"s3_secret\", \"default\": \"" + SECRET_KEY + "\"}]"),
                        "/parameters/0/default", "AWS secret access key"),
                Arguments.of("PEM key in the environment", descriptor(wc, "\"environment\": {\"CERT\": \"" + PEM + "\"}"),
                        "/environment/CERT", "PEM private key"),
                Arguments.of("PEM key in a local command", descriptor(wc,
                        "\"local\": {\"command\": [\"ssh-add\", \"" + PEM.replace("RSA ", "OPENSSH ") + "\"]}"),
                        "/local/command/1", "PEM private key"),
                Arguments.of("literal password", descriptor(wc, "\"environment\": {\"DB_PASSWORD\": \"hunter2\"}"),
                        "/environment/DB_PASSWORD", "sets DB_PASSWORD, whose name says it is a secret (PASSWORD), to a literal"),
                Arguments.of("literal token", descriptor(wc, "\"local\": {\"environment\": {\"GITHUB_TOKEN\": \"ghp_x\"}}"),
                        "/local/environment/GITHUB_TOKEN", "(TOKEN)"),
                Arguments.of("secret in camelCase", descriptor(wc, "\"environment\": {\"clientSecret\": \"abc\"}"),
                        "/environment/clientSecret", "(SECRET)"),
                Arguments.of("api key", descriptor(wc, "\"environment\": {\"OPENAI_API_KEY\": \"sk-123\"}"),
                        "/environment/OPENAI_API_KEY", "(API_KEY)"),
                Arguments.of("default of a secret parameter", descriptor(wc,
                        "\"parameters\": [{\"name\": \"APP_SECRET\", \"default\": \"s3cr3t\"}]"),
                        "/parameters/0/default", "(SECRET)"),
                Arguments.of("legacy system", "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"system\": \"" + KEY_ID
                        + "\", \"run_command\": \"run $input\"}", "/system", "AWS access key id"),
                Arguments.of("legacy run_command", "{\"name\": \"x\", \"container_name\": \"a/b:1\", "
                        + "\"run_command\": \"run --key " + KEY_ID + " $input\"}", "/run_command/2", "AWS access key id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void validate_secretInAValue_isRefusedAtItsPathWithoutEchoingIt(String name, String json, String path, String kind) {
        // When
        Validation validation = validate(json);

        // Then the path and the kind are named, the advice given, and the secret itself never repeated
        assertThat(validation.valid()).isFalse();
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo(path);
            assertThat(problem.message()).contains(kind).contains("task role").contains("Secrets Manager");
        });
        assertThat(validation.errors().toString()).doesNotContain(KEY_ID, "ASIAIOSFODNN7EXAMPLE", SECRET_KEY,
                "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn", "hunter2", "ghp_x", "sk-123", "s3cr3t");
    }

    static Stream<String> notSecrets() {
        return Stream.of(
                "\"environment\": {\"DB_PASSWORD\": \"${db_password}\"}, \"parameters\": [{\"name\": \"db_password\"}]",
                "\"environment\": {\"POSTGRES_PASSWORD_FILE\": \"/run/secrets/db\", \"DB_SECRET_ARN\": "
                        + "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db\"}",
                "\"environment\": {\"MAX_TOKENS\": \"512\", \"TOKENIZER\": \"bert-base\", \"TOKEN_LIMIT\": \"9\"}",
                "\"environment\": {\"COMMIT\": \"4c2d9b7e0f1a3c5e7d9b1f3a5c7e9d1b3f5a7c9e\"}",
                "\"parameters\": [{\"name\": \"threshold\", \"default\": \"AKIA-is-not-a-key\"}]",
                "\"environment\": {\"EMPTY_TOKEN\": \"\"}");
    }

    @ParameterizedTest
    @MethodSource("notSecrets")
    void validate_referenceOrOrdinaryValue_isAccepted(String extra) {
        // When
        Validation validation = validate(descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]", extra));

        // Then
        assertThat(validation.errors()).isEmpty();
    }

    static Stream<Arguments> processNames() {
        return Stream.of(
                Arguments.of("LD_PRELOAD", "dynamic loader"), Arguments.of("LD_LIBRARY_PATH", "dynamic loader"),
                Arguments.of("PATH", "chooses which program"), Arguments.of("BASH_ENV", "bash runs the file"),
                Arguments.of("ENV", "sh expands it"), Arguments.of("SHELLOPTS", "bash turns on"),
                Arguments.of("BASHOPTS", "shopt"), Arguments.of("PS4", "before each line it traces"),
                Arguments.of("IFS", "splits words"), Arguments.of("PROMPT_COMMAND", "before each prompt"),
                Arguments.of("HTTPS_PROXY", "through the proxy"), Arguments.of("http_proxy", "through the proxy"),
                Arguments.of("ALL_PROXY", "through the proxy"), Arguments.of("no_proxy", "through the proxy"),
                Arguments.of("PYTHONPATH", "Python imports"), Arguments.of("PYTHONSTARTUP", "Python runs the file"),
                Arguments.of("PERL5LIB", "Perl loads"), Arguments.of("PERL5OPT", "-M loads"),
                Arguments.of("RUBYOPT", "-r loads"), Arguments.of("NODE_OPTIONS", "--require"),
                Arguments.of("JAVA_TOOL_OPTIONS", "-javaagent"), Arguments.of("_JAVA_OPTIONS", "-javaagent"),
                Arguments.of("AWS_REGION", "is reserved: AWS_* variables belong to AWS"),
                Arguments.of("CONVEYOR_INPUT_DIR", "is reserved: CONVEYOR_* variables are the container contract's"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("processNames")
    void validate_parameterNamedLikeAProcessVariable_isRefusedWithThePathAndTheRule(String variable, String rule) {
        // Given a parameter whose value any uploader's metadata would give
        String json = descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]", "\"parameters\": [{\"name\": \"" + variable + "\"}]");

        // When
        Validation validation = validate(json);

        // Then
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo("/parameters/0/name");
            assertThat(problem.message()).startsWith("'" + variable + "' ").contains(rule);
        });
    }

    @Test
    void validate_legacyVariableNamedLdPreload_isRefusedAtTheLegacyField() {
        // Given a legacy descriptor whose user variable becomes a parameter
        String json = "{\"name\": \"x\", \"container_name\": \"a/b:1\", \"run_command\": \"run $input\", "
                + "\"user_specified_environment_variables\": [{\"name\": \"LD_PRELOAD\"}]}";

        // When
        Validation validation = validate(json);

        // Then
        assertThat(validation.errors()).anySatisfy(problem -> {
            assertThat(problem.path()).isEqualTo("/user_specified_environment_variables/0/name");
            assertThat(problem.message()).contains("may not be a parameter").contains("dynamic loader");
        });
    }

    @Test
    void validate_placeholderInAProxyVariable_isRefusedAndAFixedValueAccepted() {
        // Given a proxy taken from a parameter, and one fixed by the author
        String fromParameter = descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]",
                "\"parameters\": [{\"name\": \"proxy\"}], \"environment\": {\"https_proxy\": \"${proxy}\"}");
        String fixed = descriptor("[\"wc\", \"${CONVEYOR_INPUT}\"]", "\"environment\": {\"https_proxy\": \"http://10.0.0.1:3128\"}");

        // When
        Validation refused = validate(fromParameter);
        Validation accepted = validate(fixed);

        // Then
        assertThat(refused.errors()).extracting(Problem::path).containsExactly("/environment/https_proxy");
        assertThat(refused.errors().get(0).message()).contains("through the proxy").contains("give https_proxy a fixed value");
        assertThat(accepted.errors()).isEmpty();
    }
}
