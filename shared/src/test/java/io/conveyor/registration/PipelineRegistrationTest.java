package io.conveyor.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.pipeline.Pipeline;
import io.conveyor.pipeline.StepInput;
import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.RecordingTaskDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Pipeline files under algorithms/: routed by the registrar, recorded, served by the catalog, retired. */
class PipelineRegistrationTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectStoreRegistry registry = new ObjectStoreRegistry(store, "out");
    private final RecordingTaskDefinitions ecs = new RecordingTaskDefinitions();
    private final Registrar registrar = new Registrar(store, RegistrarTest.VALIDATOR, registry, registry, ecs,
            RegistrarTest.SETTINGS, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
    private final ObjectStorePipelineCatalog catalog = new ObjectStorePipelineCatalog(store, "out");

    private static final String SCAN = "{\"pipeline\": \"scan\", \"batches\": {\"complete\": \"marker\"}, \"steps\": ["
            + "{\"name\": \"count\", \"algorithm\": \"wc\"}, {\"name\": \"all\", \"algorithm\": \"wc\", \"gather\": \"count\"}]}";

    private ObjectRef upload(String file, String json) {
        ObjectRef ref = new ObjectRef("in", "algorithms/" + file);
        store.write(ref, json.getBytes(StandardCharsets.UTF_8), "application/json");
        return ref;
    }

    @Test
    void reconcile_pipelineOverRegisteredAlgorithms_recordsItForTheCatalog() {
        // Given the algorithm wc registered, and a pipeline over it uploaded
        registrar.reconcile(upload("wc.json", RegistrarTest.descriptor("wc", "")));
        ObjectRef ref = upload("scan.json", SCAN);

        // When the registrar reconciles the pipeline file
        RegistrationOutcome outcome = registrar.reconcile(ref);

        // Then it is accepted as a pipeline (no task definition), its outcome is where the author reads it,
        // and the catalog serves it at the file's revision
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        assertThat(outcome.pipeline()).isEqualTo("scan");
        assertThat(outcome.algorithm()).isNull();
        assertThat(ecs.revisions()).hasSize(1);
        assertThat(registry.outcome("algorithms/scan.json")).contains(outcome);
        Pipeline pipeline = catalog.pipeline("scan").orElseThrow();
        assertThat(pipeline.revision()).isEqualTo(outcome.sha256());
        assertThat(pipeline.step("all").orElseThrow().input()).isEqualTo(new StepInput.GatherOf("count"));
        assertThat(registrar.reconcile(ref).status()).isEqualTo(RegistrationOutcome.Status.UNCHANGED);
    }

    @Test
    void reconcile_pipelineNamingAnUnregisteredAlgorithm_rejectedWithThePath() {
        // Given no algorithm registered
        ObjectRef ref = upload("scan.json", SCAN);

        // When the pipeline file is reconciled
        RegistrationOutcome outcome = registrar.reconcile(ref);

        // Then it is rejected, each step's algorithm named, and the catalog has nothing
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).extracting(Object::toString).containsExactly(
                "/steps/0/algorithm: 'wc' is not registered: upload its descriptor under algorithms/ first, then this pipeline again",
                "/steps/1/algorithm: 'wc' is not registered: upload its descriptor under algorithms/ first, then this pipeline again");
        assertThat(catalog.pipeline("scan")).isEmpty();
    }

    @Test
    void reconcile_deletedPipelineFile_retiresThePipeline() {
        // Given a pipeline accepted
        registrar.reconcile(upload("wc.json", RegistrarTest.descriptor("wc", "")));
        ObjectRef ref = upload("scan.json", SCAN);
        registrar.reconcile(ref);

        // When its file is deleted and the registrar reconciles it
        store.delete(ref);
        RegistrationOutcome outcome = registrar.reconcile(ref);

        // Then the pipeline is retired and the catalog no longer serves it
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.RETIRED);
        assertThat(outcome.pipeline()).isEqualTo("scan");
        assertThat(registry.pipeline("scan")).hasValueSatisfying(record -> assertThat(record.active()).isFalse());
        assertThat(catalog.pipeline("scan")).isEmpty();
    }

    @Test
    void reconcile_secondFileOfTheSameNameOrADescriptorOfThatName_rejected() {
        // Given a pipeline scan accepted from scan.json
        registrar.reconcile(upload("wc.json", RegistrarTest.descriptor("wc", "")));
        registrar.reconcile(upload("scan.json", SCAN));

        // When another file defines scan, and a descriptor names an algorithm scan
        RegistrationOutcome twice = registrar.reconcile(upload("scan-2.json", SCAN.replace("\"all\"", "\"every\"")));
        RegistrationOutcome algorithm = registrar.reconcile(upload("scan-algorithm.json", RegistrarTest.descriptor("scan", "")));

        // Then both are rejected at the name, and scan stays the first file's
        assertThat(twice.errors()).extracting(Object::toString).containsExactly("/pipeline: 'scan' is already defined by "
                + "s3://in/algorithms/scan.json; delete that file first, or choose another name");
        assertThat(algorithm.errors()).extracting(Object::toString).singleElement().asString()
                .startsWith("/name: 'scan' is the name of the pipeline defined by s3://in/algorithms/scan.json");
        assertThat(catalog.pipeline("scan").orElseThrow().step("all")).isPresent();
    }
}
