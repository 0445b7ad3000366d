package io.conveyor.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.descriptor.DescriptorValidator;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.RecordingTaskDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RegistrarTest {

    static final WrapSettings SETTINGS = new WrapSettings("conveyor", "arn:aws:iam::123456789012:role/task",
            "arn:aws:iam::123456789012:role/execution", "/conveyor/tasks", "us-east-1",
            "public.ecr.aws/aws-cli/aws-cli:2.22.35");
    static final DescriptorValidator VALIDATOR = new DescriptorValidator();

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectStoreRegistry registry = new ObjectStoreRegistry(store, "out");
    private final RecordingTaskDefinitions ecs = new RecordingTaskDefinitions();
    private final Registrar registrar = new Registrar(store, VALIDATOR, registry, registry, ecs, SETTINGS,
            Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

    static String descriptor(String name, String extra) {
        return "{\"name\": \"" + name + "\", \"image\": \"busybox:1.36\", \"command\": [\"wc\", \"${CONVEYOR_INPUT}\"],"
                + " \"resources\": {\"vcpu\": 0.25, \"memoryMiB\": 256}" + extra + "}";
    }

    private ObjectRef upload(String file, String json) {
        ObjectRef ref = new ObjectRef("in", "algorithms/" + file);
        store.write(ref, json.getBytes(StandardCharsets.UTF_8), "application/json");
        return ref;
    }

    @Test
    void reconcile_newDescriptor_registersTheWrappedDefinitionAndRecordsIt() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));

        RegistrationOutcome outcome = registrar.reconcile(ref);

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        assertThat(ecs.revisions()).singleElement().satisfies(revision -> {
            assertThat(revision.spec().family()).isEqualTo("conveyor-wc");
            assertThat(revision.spec().containerDefinitions()).extracting(TaskDefinitionSpec.Container::name)
                    .containsExactly("stage-in", "algorithm", "stage-out");
        });
        assertThat(registry.algorithm("wc")).hasValueSatisfying(record -> {
            assertThat(record.active()).isTrue();
            assertThat(record.taskDefinitionArn()).isEqualTo(outcome.taskDefinitionArn()).endsWith("conveyor-wc:1");
            assertThat(record.descriptor()).isEqualTo("s3://in/algorithms/wc.json");
        });
        assertThat(store.content(new ObjectRef("out", "registry/outcomes/wc.json"))).isNotNull();
        assertThat(registry.outcome("algorithms/wc.json")).contains(outcome);
    }

    @Test
    void reconcile_sameContentAgain_registersNothingNew() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));
        registrar.reconcile(ref);

        RegistrationOutcome again = registrar.reconcile(ref);
        upload("wc.json", descriptor("wc", ""));
        RegistrationOutcome reuploaded = registrar.reconcile(ref);

        assertThat(again.status()).isEqualTo(RegistrationOutcome.Status.UNCHANGED);
        assertThat(reuploaded.status()).isEqualTo(RegistrationOutcome.Status.UNCHANGED);
        assertThat(ecs.revisions()).hasSize(1);
    }

    @Test
    void reconcile_changedContent_registersANewRevisionAndMovesTheRecord() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));
        registrar.reconcile(ref);
        upload("wc.json", descriptor("wc", ", \"retries\": 5"));

        RegistrationOutcome outcome = registrar.reconcile(ref);

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        assertThat(ecs.revisions()).hasSize(2);
        assertThat(registry.algorithm("wc").orElseThrow().taskDefinitionArn()).endsWith("conveyor-wc:2");
        assertThat(registry.algorithm("wc").orElseThrow().definition().retries()).isEqualTo(5);
    }

    @Test
    void reconcile_invalidDescriptor_registersNothingAndRecordsEveryError() {
        ObjectRef ref = upload("bad.json", "{\"name\": \"Bad Name\", \"image\": \"busybox:1\", \"command\": [],"
                + " \"resources\": {\"vcpu\": 0, \"memoryMiB\": 256}}");

        RegistrationOutcome outcome = registrar.reconcile(ref);

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).extracting(Object::toString).containsExactly(
                "/command: must be a non-empty array of strings (at most 256, each at most 4096 characters) or a non-empty string (at most 8192 characters)",
                "/name: must be lowercase letters, digits and dashes, at most 64 characters, starting and ending with a letter or digit",
                "/resources/vcpu: must have an exclusive minimum value of 0");
        assertThat(ecs.revisions()).isEmpty();
        assertThat(registry.outcome("algorithms/bad.json")).contains(outcome);
    }

    @Test
    void reconcile_brokenUpdateOfARegisteredFile_keepsThePreviousRevisionAndSaysSo() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));
        String arn = registrar.reconcile(ref).taskDefinitionArn();
        upload("wc.json", "{\"name\": \"wc\"");

        RegistrationOutcome outcome = registrar.reconcile(ref);

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.algorithm()).isEqualTo("wc");
        assertThat(outcome.taskDefinitionArn()).isEqualTo(arn);
        assertThat(outcome.warnings()).anySatisfy(w -> assertThat(w.message()).contains("previous content stays registered"));
        assertThat(registry.algorithm("wc").orElseThrow().active()).isTrue();
    }

    @Test
    void reconcile_deletedDescriptor_retiresTheAlgorithmAndDeregistersItsRevisions() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));
        registrar.reconcile(ref);
        upload("wc.json", descriptor("wc", ", \"retries\": 1"));
        registrar.reconcile(ref);
        store.delete(ref);

        RegistrationOutcome outcome = registrar.reconcile(ref);
        RegistrationOutcome again = registrar.reconcile(ref);

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.RETIRED);
        assertThat(outcome.algorithm()).isEqualTo("wc");
        assertThat(ecs.revisions()).extracting(RecordingTaskDefinitions.Revision::active).containsExactly(false, false);
        assertThat(registry.algorithm("wc").orElseThrow().status()).isEqualTo(AlgorithmRecord.Status.RETIRED);
        assertThat(again.status()).isEqualTo(RegistrationOutcome.Status.IGNORED);
    }

    @Test
    void reconcile_nameTakenByAnotherFile_isRejectedNamingThatFile() {
        registrar.reconcile(upload("wc.json", descriptor("wc", "")));

        RegistrationOutcome outcome = registrar.reconcile(upload("copy.json", descriptor("wc", ", \"retries\": 0")));

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).singleElement().hasToString("/name: 'wc' is already registered from "
                + "s3://in/algorithms/wc.json; delete that descriptor first, or choose another name");
        assertThat(ecs.revisions()).hasSize(1);
    }

    @Test
    void reconcile_chainLeadingBack_isRejectedWithThePath() {
        registrar.reconcile(upload("b.json", descriptor("b", ", \"then\": [\"c\"]")));
        registrar.reconcile(upload("c.json", descriptor("c", ", \"then\": [\"a\"]")));

        RegistrationOutcome outcome = registrar.reconcile(upload("a.json", descriptor("a", ", \"then\": [\"b\"]")));

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).singleElement().hasToString("/then/0: leads back to 'a' through a → b → c → a");
    }

    @Test
    void reconcile_chainToUnregisteredAlgorithm_isAcceptedWithAWarning() {
        RegistrationOutcome outcome = registrar.reconcile(upload("a.json", descriptor("a", ", \"then\": [\"later\"]")));

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        assertThat(outcome.warnings()).singleElement().hasToString("/then/0: 'later' is not registered: its jobs are "
                + "rejected until it is");
    }

    @Test
    void reconcile_fileRenamesItsAlgorithm_retiresTheOldName() {
        ObjectRef ref = upload("wc.json", descriptor("wc", ""));
        registrar.reconcile(ref);
        upload("wc.json", descriptor("word-count", ""));

        registrar.reconcile(ref);

        assertThat(registry.algorithm("wc").orElseThrow().active()).isFalse();
        assertThat(registry.algorithm("word-count").orElseThrow().active()).isTrue();
        assertThat(ecs.activeRevisions("conveyor-wc")).isEmpty();
        assertThat(ecs.activeRevisions("conveyor-word-count")).hasSize(1);
    }

    @Test
    void reconcile_definitionEcsRefuses_isRejectedWithEcsReasonAndRecorded() {
        ecs.refuse("Invalid setting for container 'algorithm'. At least one of 'memory' or 'memoryReservation' must be specified.");

        RegistrationOutcome outcome = registrar.reconcile(upload("wc.json", descriptor("wc", "")));

        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).singleElement().hasToString("/: ECS refused the task definition: Invalid setting "
                + "for container 'algorithm'. At least one of 'memory' or 'memoryReservation' must be specified.");
        assertThat(registry.outcome("algorithms/wc.json")).contains(outcome);
        assertThat(registry.algorithm("wc")).isEmpty();
    }

    @Test
    void reconcile_oversizeOrNotJsonOrFolder_isRefusedWithoutReadingIt() {
        RegistrationOutcome big = registrar.reconcile(upload("big.json", " ".repeat((int) Registrar.MAX_DESCRIPTOR_BYTES + 1)));
        RegistrationOutcome text = registrar.reconcile(upload("notes.txt", "hello"));
        RegistrationOutcome folder = registrar.reconcile(new ObjectRef("in", "algorithms/"));

        assertThat(big.errors()).singleElement().hasToString("/: is 1048577 bytes; a descriptor may have at most 1048576 bytes");
        assertThat(text.errors()).singleElement().hasToString("/: is not a descriptor: descriptor files end in .json");
        assertThat(folder.status()).isEqualTo(RegistrationOutcome.Status.IGNORED);
        assertThat(ecs.revisions()).isEmpty();
    }
}
