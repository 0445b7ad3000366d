package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.conveyor.descriptor.Descriptor;
import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.descriptor.Problem;
import io.conveyor.storage.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserRequestTest {

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    /** The original's own example algorithm, and a plain one. */
    private static final Map<String, Descriptor> REGISTERED = Map.of(
            "change123-s3", VALIDATOR.validate("c.json", ("{\"name\": \"change123-s3\", \"container_name\": \"example/change123\","
                    + " \"run_command\": \"sh /change123.sh $input $output\", \"memory\": {\"suggested\": 128},"
                    + " \"user_specified_environment_variables\": [{\"name\": \"TEST_ENV\", \"required\": true},"
                    + " {\"name\": \"SEED\"}], \"port\": [{\"port\": 9090, \"protocol\": \"tcp\"}]}")
                    .getBytes(StandardCharsets.UTF_8)).descriptor(),
            "sorter", VALIDATOR.validate("s.json", ("{\"name\": \"sorter\", \"container_name\": \"busybox:1.36\","
                    + " \"run_command\": \"sort $input -o $output\"}").getBytes(StandardCharsets.UTF_8)).descriptor());
    private static final Function<String, Optional<Descriptor>> LOOKUP = name -> Optional.ofNullable(REGISTERED.get(name));

    /** The original's example request (pipeline/setup/user_request.json), with {@code process} as given. */
    private static String request(String process) {
        return "{\"input_s3_name\": \"wyx-test-input\", \"output_s3_name\": \"wyx-test-output\", \"key_pair\": \"ubuntu-aws\","
                + " \"account_id\": \"261965710151\", \"region\": \"us-east-1\", \"process\": " + process + "}";
    }

    private static final String ORIGINAL = request("{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\","
            + " \"port\": [9090], \"variables\": {\"TEST_ENV\": \"blah blah blah\"}}]}");

    private static UserRequest.Conversion convert(String json) {
        return UserRequest.convert("algorithms/user_request.json", json.getBytes(StandardCharsets.UTF_8), LOOKUP);
    }

    private static Problem onlyError(UserRequest.Conversion conversion) {
        assertThat(conversion.valid()).isFalse();
        assertThat(conversion.pipeline()).isNull();
        assertThat(conversion.errors()).hasSize(1);
        return conversion.errors().get(0);
    }

    @Test
    void convert_originalsExample_oneStepOverTheBatchFilesWithItsVariables() {
        UserRequest.Conversion conversion = convert(ORIGINAL);

        assertThat(conversion.errors()).isEmpty();
        Pipeline pipeline = conversion.pipeline();
        assertThat(pipeline.name()).isEqualTo("user-request");
        assertThat(pipeline.revision()).isEqualTo(Digests.sha256(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
        assertThat(pipeline.steps()).containsExactly(new Step("change123-s3", "change123-s3", new StepInput.BatchFiles(),
                new FanOut.None(), Map.of("TEST_ENV", "blah blah blah")));
        assertThat(pipeline.batches()).isEqualTo(new BatchRule(BatchRule.Completion.QUIET, UserRequest.QUIET_PERIOD,
                UserRequest.DEADLINE, BatchRule.MemberFailure.FAIL));
    }

    @Test
    void convert_bucketsKeyPairAccountAndRegion_eachReportedAsNotUsedWithItsReason() {
        UserRequest.Conversion conversion = convert(ORIGINAL);

        assertThat(conversion.warnings()).extracting(Problem::path).contains("/input_s3_name", "/output_s3_name",
                "/key_pair", "/account_id", "/region", "", "/process/algorithms/0/port");
        assertThat(conversion.warnings()).filteredOn(w -> w.path().equals("/input_s3_name")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("stack's input bucket, under inputs/user-request/<batch>/"));
        assertThat(conversion.warnings()).filteredOn(w -> w.path().equals("/key_pair")).singleElement()
                .satisfies(w -> assertThat(w.message()).startsWith("not used: ").contains("no key pair"));
        assertThat(conversion.warnings()).filteredOn(w -> w.path().equals("/region")).singleElement()
                .satisfies(w -> assertThat(w.message()).isEqualTo("not used: the stack's region is used"));
    }

    @Test
    void convert_sequenceRun_chainsTheStepsInTheListedOrderWithUniqueNames() {
        UserRequest.Conversion conversion = convert(request("{\"type\": \"sequence_run\", \"algorithms\": [{\"name\": \"sorter\"},"
                + " {\"name\": \"change123-s3\", \"variables\": {\"TEST_ENV\": \"x\"}}, {\"name\": \"sorter\"}]}"));

        assertThat(conversion.errors()).isEmpty();
        assertThat(conversion.pipeline().steps()).extracting(Step::name, Step::algorithm, Step::input).containsExactly(
                tuple("sorter", "sorter", new StepInput.BatchFiles()),
                tuple("change123-s3", "change123-s3", new StepInput.OutputsOf("sorter")),
                tuple("sorter-2", "sorter", new StepInput.OutputsOf("change123-s3")));
        assertThat(conversion.pipeline().firstSteps()).extracting(Step::name).containsExactly("sorter");
    }

    @Test
    void convert_singleRunOfTwo_bothTakeTheBatchFilesWithAWarningAboutTheOriginal() {
        UserRequest.Conversion conversion = convert(request("{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\"},"
                + " {\"name\": \"Change123-S3\", \"variables\": {\"TEST_ENV\": \"x\"}}]}"));

        assertThat(conversion.errors()).isEmpty();
        assertThat(conversion.pipeline().firstSteps()).extracting(Step::algorithm).containsExactly("sorter", "change123-s3");
        assertThat(conversion.warnings()).anySatisfy(w -> {
            assertThat(w.path()).isEqualTo("/process/algorithms");
            assertThat(w.message()).contains("the original tool set up only the first");
        });
    }

    @Test
    void convert_requiredVariableMissing_warnsThatEachInputMustCarryIt() {
        UserRequest.Conversion conversion = convert(request("{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\"}]}"));

        assertThat(conversion.valid()).isTrue();
        assertThat(conversion.warnings()).anySatisfy(w -> {
            assertThat(w.path()).isEqualTo("/process/algorithms/0/variables");
            assertThat(w.message()).startsWith("TEST_ENV is required by change123-s3");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "unknown algorithm|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"nope\"}]}|/process/algorithms/0/name|no algorithm 'nope' is registered",
            "unknown type|{\"type\": \"all_to_one\", \"algorithms\": [{\"name\": \"sorter\"}]}|/process/type|is 'all_to_one': single_run",
            "type missing|{\"algorithms\": [{\"name\": \"sorter\"}]}|/process/type|is missing",
            "no algorithms|{\"type\": \"single_run\", \"algorithms\": []}|/process/algorithms|is empty",
            "algorithms not an array|{\"type\": \"single_run\", \"algorithms\": {}}|/process/algorithms|must be an array",
            "name not a string|{\"type\": \"single_run\", \"algorithms\": [{\"name\": 7}]}|/process/algorithms/0/name|must be a string, not number",
            "unknown process field|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\"}], \"loop\": true}|/process/loop|unknown field 'loop'",
            "unknown algorithm field|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"cpu\": 2}]}|/process/algorithms/0/cpu|unknown field 'cpu'",
            "port not declared|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\", \"port\": [8080], \"variables\": {\"TEST_ENV\": \"x\"}}]}|/process/algorithms/0/port/0|8080 is not a port of change123-s3 (its ports: 9090/tcp)",
            "port out of range|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"port\": [70000]}]}|/process/algorithms/0/port/0|must be a port number from 1 to 65535",
            "port not an array|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"port\": 9090}]}|/process/algorithms/0/port|must be an array of port numbers",
            "variable not declared|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"variables\": {\"SEED\": \"1\"}}]}|/process/algorithms/0/variables/SEED|'SEED' is not a parameter of sorter (it declares none)",
            "variable not a string|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\", \"variables\": {\"TEST_ENV\": 42}}]}|/process/algorithms/0/variables/TEST_ENV|must be a string (write \"42\")",
            "variable changes what runs|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"variables\": {\"LD_PRELOAD\": \"/x.so\"}}]}|/process/algorithms/0/variables/LD_PRELOAD|'LD_PRELOAD' may not be given",
            "variable reserved|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\", \"variables\": {\"AWS_SECRET_ACCESS_KEY\": \"x\"}}]}|/process/algorithms/0/variables/AWS_SECRET_ACCESS_KEY|AWS_* variables belong to AWS",
            "variable holds a key|{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\", \"variables\": {\"TEST_ENV\": \"AKIAIOSFODNN7EXAMPLE\"}}]}|/process/algorithms/0/variables/TEST_ENV|looks like an AWS access key id"})
    void convert_badProcess_oneErrorNamingTheField(String title, String process, String path, String message) {
        Problem error = onlyError(convert(request(process)));

        assertThat(error.path()).as(title).isEqualTo(path);
        assertThat(error.message()).as(title).contains(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not JSON|{\"process\": |is not valid JSON at line 1",
            "duplicate field|{\"process\": {}, \"process\": {}}|Duplicate field 'process'",
            "not an object|[1, 2]|must be a JSON object",
            "no process|{\"region\": \"us-east-1\"}|/process is missing"})
    void convert_malformedRequest_errorSaysWhat(String title, String json, String message) {
        UserRequest.Conversion conversion = convert(json);

        assertThat(conversion.valid()).isFalse();
        assertThat(conversion.errors()).singleElement().satisfies(e -> assertThat(e.path() + " " + e.message()).as(title)
                .contains(message));
    }

    @Test
    void convert_wrongTypesAndUnknownTopLevelField_eachNamed() {
        UserRequest.Conversion conversion = convert("{\"region\": 1, \"account_id\": 261965710151, \"bucket\": \"b\","
                + " \"process\": {\"type\": \"single_run\", \"algorithms\": [{\"name\": \"sorter\"}]}}");

        assertThat(conversion.errors()).extracting(Problem::path).containsExactlyInAnyOrder("/region", "/account_id", "/bucket");
        assertThat(conversion.errors()).extracting(Problem::message).contains("must be a string, not number");
    }

    @Test
    void convert_hostileNamesAndBytes_escapedInMessagesNeverAcceptedAsValues() {
        // Given a name holding a newline and shell text, invalid UTF-8 (an overlong '-'), and a NUL in a value
        UserRequest.Conversion hostileName = convert(request("{\"type\": \"single_run\", \"algorithms\": "
                + "[{\"name\": \"x\\n$(id)\"}]}"));
        UserRequest.Conversion badBytes = UserRequest.convert("r.json", new byte[] {'{', (byte) 0xC0, (byte) 0xAD, '}'}, LOOKUP);
        UserRequest.Conversion nul = convert(request("{\"type\": \"single_run\", \"algorithms\": [{\"name\": \"change123-s3\","
                + " \"variables\": {\"TEST_ENV\": \"a\\u0000b\"}}]}"));

        assertThat(onlyError(hostileName).message()).contains("'x\\u000a$(id)'").doesNotContain("\n");
        assertThat(onlyError(badBytes).message()).contains("not valid UTF-8");
        assertThat(onlyError(nul).message()).contains("NUL");
    }

    @Test
    void convert_fileNameNamesThePipeline_normalizedWithAWarningOrRefused() {
        byte[] bytes = ORIGINAL.getBytes(StandardCharsets.UTF_8);

        assertThat(UserRequest.convert("algorithms/genomics.json", bytes, LOOKUP).pipeline().name()).isEqualTo("genomics");
        assertThat(UserRequest.convert("algorithms/___.json", bytes, LOOKUP).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("names the pipeline"));
    }

    @Test
    void recognizes_requestAndDescriptor_onlyTheRequest() {
        assertThat(UserRequest.recognizes(ORIGINAL.getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(UserRequest.recognizes("{\"name\": \"x\", \"container_name\": \"b\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(UserRequest.recognizes("not json".getBytes(StandardCharsets.UTF_8))).isFalse();
    }
}
