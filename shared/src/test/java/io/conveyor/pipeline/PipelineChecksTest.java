package io.conveyor.pipeline;

import static io.conveyor.pipeline.PipelineTesting.pipeline;
import static io.conveyor.pipeline.PipelineTesting.validate;
import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules a schema cannot express: each test breaks one and finds its error, at its path. */
class PipelineChecksTest {

    private static final String COUNT = "{\"name\": \"count\", \"algorithm\": \"word-count\"}";

    private static List<String> errors(String json) {
        return validate(json).errors().stream().map(Problem::toString).toList();
    }

    @Test
    void check_pipelineNamedAsAnAlgorithm_refused() {
        // Given a pipeline named word-count, as an algorithm is
        String json = "{\"pipeline\": \"word-count\", \"steps\": [" + COUNT + "]}";

        // When it is validated
        // Then both would route inputs/word-count/: refused
        assertThat(errors(json)).singleElement().asString().startsWith("/pipeline: 'word-count' is also an algorithm's name");
    }

    @Test
    void check_stepNameTwice_refused() {
        // Given two steps named count
        String json = pipeline(COUNT + "," + COUNT.replace("word-count", "uppercase"), null);

        // When it is validated
        // Then the second is refused
        assertThat(errors(json)).containsExactly("/steps/1/name: 'count' is also the name of /steps/0; step names are unique");
    }

    @Test
    void check_afterNamesNoStep_refusedWithTheSteps() {
        // Given a step after one that does not exist, and one gathering itself
        String json = pipeline(COUNT + ", {\"name\": \"up\", \"algorithm\": \"uppercase\", \"after\": \"cuont\"},"
                + "{\"name\": \"self\", \"algorithm\": \"compress\", \"gather\": \"self\"}", "{\"complete\": \"marker\"}");

        // When it is validated
        // Then each edge is refused
        assertThat(errors(json)).containsExactly(
                "/steps/1/after: 'cuont' names no step of this pipeline (its steps: count, up, self)",
                "/steps/2/gather: 'self' is this step: a step cannot take its own outputs");
    }

    @Test
    void check_loop_printsTheLoopOnce() {
        // Given count → a → b → a (a after b, b after a)
        String json = pipeline(COUNT + ", {\"name\": \"a\", \"algorithm\": \"uppercase\", \"after\": \"b\"},"
                + "{\"name\": \"b\", \"algorithm\": \"compress\", \"after\": \"a\"}", null);

        // When it is validated
        // Then the loop is printed once, in the direction outputs flow
        assertThat(errors(json)).containsExactly("/steps/1/after: leads back to 'a': a → b → a; the steps of a pipeline "
                + "may not form a loop");
    }

    @Test
    void check_noStepTakesTheBatchFiles_refused() {
        // Given two steps that only take each other's outputs
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"uppercase\", \"after\": \"b\"},"
                + "{\"name\": \"b\", \"algorithm\": \"compress\", \"after\": \"a\"}", null);

        // When it is validated
        // Then nothing would ever start: refused
        assertThat(errors(json)).contains("/steps: no step takes the batch's files: at least one step needs neither "
                + "after nor gather");
    }

    @Test
    void check_afterAndGather_refused() {
        // Given a step with both
        String json = pipeline(COUNT + ", {\"name\": \"b\", \"algorithm\": \"compress\", \"after\": \"count\", "
                + "\"gather\": \"count\"}", "{\"complete\": \"marker\"}");

        // When it is validated
        // Then it is refused at the step
        assertThat(errors(json)).singleElement().asString().startsWith("/steps/1: has both after and gather");
    }

    @Test
    void check_unknownAlgorithm_saysWhyInTheLookupsWords() {
        // Given a step naming an algorithm the lookup does not know
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"word-cuont\"}", null);

        // When it is validated
        // Then the lookup's reason is the error
        assertThat(errors(json)).containsExactly("/steps/0/algorithm: 'word-cuont' is not registered");
    }

    @Test
    void check_undeclaredParameter_refusedWithWhatIsDeclared() {
        // Given a value for a parameter threshold does not declare, and one for an algorithm with none
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"parameters\": {\"THRESHOLD\": \"1\", "
                + "\"LIMIT\": \"2\"}}, {\"name\": \"b\", \"algorithm\": \"compress\", \"fanOut\": {\"parameterSets\": "
                + "[{\"LEVEL\": \"9\"}]}}", null);

        // When it is validated
        // Then both are refused, saying what is declared
        assertThat(errors(json)).containsExactly(
                "/steps/0/parameters/LIMIT: 'LIMIT' is no parameter of 'threshold' (it declares THRESHOLD, MODE, API_TOKEN)",
                "/steps/1/fanOut/parameterSets/0/LEVEL: 'LEVEL' is no parameter of 'compress' (it declares none)");
    }

    @Test
    void check_requiredParameterWithoutValue_refused() {
        // Given threshold's required THRESHOLD in one of two sets only
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"fanOut\": {\"parameterSets\": "
                + "[{\"THRESHOLD\": \"1\"}, {\"MODE\": \"x\"}]}}", null);

        // When it is validated
        // Then it is refused at the step
        assertThat(errors(json)).containsExactly("/steps/0: 'threshold' requires the parameter THRESHOLD: give it in "
                + "parameters, or in every parameter set of fanOut");
    }

    @Test
    void check_requiredParameterInEverySet_accepted() {
        // Given THRESHOLD in every set
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"fanOut\": {\"parameterSets\": "
                + "[{\"THRESHOLD\": \"1\"}, {\"THRESHOLD\": \"2\", \"MODE\": \"x\"}]}}", null);

        // When it is validated
        // Then it is valid
        assertThat(errors(json)).isEmpty();
    }

    @Test
    void check_parameterThatChangesWhatRuns_refusedEvenForAnUnknownAlgorithm() {
        // Given LD_PRELOAD as a value's name, on an algorithm not registered
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"gone\", \"parameters\": {\"LD_PRELOAD\": \"/x.so\"}}",
                null);

        // When it is validated
        // Then the name is refused for what it does
        assertThat(errors(json)).anyMatch(e -> e.startsWith("/steps/0/parameters/LD_PRELOAD: 'LD_PRELOAD' may not be a "
                + "parameter"));
    }

    @Test
    void check_secretsInValues_refusedWithoutRepeatingThem() {
        // Given an access key id in a set, and a literal under a secret's name
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"parameters\": {\"API_TOKEN\": "
                + "\"hunter2\"}, \"fanOut\": {\"parameterSets\": [{\"THRESHOLD\": \"AKIAIOSFODNN7EXAMPLE\"}]}}", null);

        // When it is validated
        List<String> errors = errors(json);

        // Then both are refused, at their paths, without the secret
        assertThat(errors).anyMatch(e -> e.startsWith("/steps/0/fanOut/parameterSets/0/THRESHOLD: holds what looks like "
                + "an AWS access key id"));
        assertThat(errors).anyMatch(e -> e.startsWith("/steps/0/parameters/API_TOKEN: sets API_TOKEN, whose name says it "
                + "is a secret"));
        assertThat(errors).noneMatch(e -> e.contains("AKIAIOSFODNN7EXAMPLE") || e.contains("hunter2"));
    }

    @Test
    void check_sameSetTwiceOrValueGivenTwice_refused() {
        // Given two equal sets, and a set repeating a fixed value's name
        String json = pipeline("{\"name\": \"a\", \"algorithm\": \"threshold\", \"parameters\": {\"MODE\": \"x\"}, "
                + "\"fanOut\": {\"parameterSets\": [{\"THRESHOLD\": \"1\"}, {\"THRESHOLD\": \"1\"}, "
                + "{\"THRESHOLD\": \"2\", \"MODE\": \"y\"}]}}", null);

        // When it is validated
        // Then both are refused
        assertThat(errors(json)).containsExactly(
                "/steps/0/fanOut/parameterSets/1: is the same as parameter set 0: the two would be one job",
                "/steps/0/fanOut/parameterSets/2/MODE: 'MODE' is also given in /steps/0/parameters; a value comes from one place");
    }

    @Test
    void check_quietPeriodRules_refused() {
        // Given quiet without seconds, seconds with a marker, and a quiet period as long as the deadline
        String quietAlone = pipeline(COUNT, "{\"complete\": \"quiet\"}");
        String secondsWithMarker = pipeline(COUNT, "{\"complete\": \"marker\", \"quietSeconds\": 60}");
        String tooLong = pipeline(COUNT, "{\"complete\": \"quiet\", \"quietSeconds\": 600, \"deadlineMinutes\": 10}");

        // When they are validated
        // Then each is refused
        assertThat(errors(quietAlone)).containsExactly("/batches: complete is quiet, so quietSeconds is required: how "
                + "long no new file must arrive");
        assertThat(errors(secondsWithMarker)).containsExactly("/batches/quietSeconds: applies only to complete: quiet, "
                + "and complete is marker; drop it");
        assertThat(errors(tooLong)).containsExactly("/batches/quietSeconds: is 600 s, not shorter than the deadline "
                + "(10 min): every batch would reach its deadline first");
    }

    @Test
    void check_gatherWithoutBatches_refused() {
        // Given a gather and no batch rule
        String json = pipeline(COUNT + ", {\"name\": \"sum\", \"algorithm\": \"compress\", \"gather\": \"count\"}", null);

        // When it is validated
        // Then the batch rule is asked for
        assertThat(errors(json)).containsExactly("/: needs batches (when a batch is complete: manifest, marker or quiet) "
                + "because step 'sum' gathers once per batch");
    }

    @Test
    void check_membersOnAGather_refused() {
        // Given a gather fanned out over archive members
        String json = pipeline(COUNT + ", {\"name\": \"sum\", \"algorithm\": \"compress\", \"gather\": \"count\", "
                + "\"fanOut\": {\"members\": \"archive\"}}", "{\"complete\": \"marker\"}");

        // When it is validated
        // Then it is refused
        assertThat(errors(json)).singleElement().asString().startsWith("/steps/1/fanOut/members: cannot fan out a gather");
    }
}
