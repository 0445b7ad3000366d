package io.conveyor.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.storage.ObjectRef;
import io.conveyor.testing.InMemoryObjectStore;
import io.conveyor.testing.RecordingTaskDefinitions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The register function runs two invocations at a time: registrations of one algorithm that overlap
 * end as if they had run one after the other. Each race is made deterministic by running the other
 * registration just before this one's conditional write compares.
 */
class RegistrarRaceTest {

    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final ObjectStoreRegistry registry = new ObjectStoreRegistry(store, "out");
    private final RecordingTaskDefinitions ecs = new RecordingTaskDefinitions();
    private final Registrar registrar = new Registrar(store, RegistrarTest.VALIDATOR, registry, registry, ecs, RegistrarTest.SETTINGS,
            Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));

    private ObjectRef upload(String file, String json) {
        ObjectRef ref = new ObjectRef("in", "algorithms/" + file);
        store.write(ref, json.getBytes(StandardCharsets.UTF_8), "application/json");
        return ref;
    }

    @Test
    void reconcile_twoFilesClaimOneNameAtOnce_oneWinsAndTheOtherIsRejectedNamingIt() {
        // Given two descriptor files naming "wc", and b.json registered while a.json's registration runs
        ObjectRef a = upload("a.json", RegistrarTest.descriptor("wc", ""));
        ObjectRef b = upload("b.json", RegistrarTest.descriptor("wc", ", \"retries\": 1"));
        RegistrationOutcome[] other = new RegistrationOutcome[1];
        store.meanwhile(() -> other[0] = registrar.reconcile(b));

        // When
        RegistrationOutcome outcome = registrar.reconcile(a);

        // Then the record is b's, a is rejected naming b, and a's task definition revision is deregistered
        assertThat(other[0].status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        assertThat(registry.algorithm("wc").orElseThrow().descriptor()).isEqualTo("s3://in/algorithms/b.json");
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.REJECTED);
        assertThat(outcome.errors()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("/name");
            assertThat(problem.message()).contains("already registered from s3://in/algorithms/b.json");
        });
        assertThat(ecs.activeRevisions("conveyor-wc")).containsExactly(other[0].taskDefinitionArn());
    }

    @Test
    void reconcile_olderContentDecidedWhileNewerWasRegistered_endsOnTheNewerContent() {
        // Given a file registered, then changed twice: the second change registers while the first's runs
        ObjectRef ref = upload("wc.json", RegistrarTest.descriptor("wc", ""));
        registrar.reconcile(ref);
        upload("wc.json", RegistrarTest.descriptor("wc", ", \"retries\": 1"));
        store.meanwhile(() -> {
            upload("wc.json", RegistrarTest.descriptor("wc", ", \"retries\": 2"));
            registrar.reconcile(ref);
        });

        // When the first change's registration goes on
        RegistrationOutcome outcome = registrar.reconcile(ref);

        // Then the record holds the newest content, and the revision made from the older one is deregistered
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.UNCHANGED);
        AlgorithmRecord record = registry.algorithm("wc").orElseThrow();
        assertThat(record.definition().retries()).isEqualTo(2);
        assertThat(ecs.activeRevisions("conveyor-wc")).contains(record.taskDefinitionArn())
                .noneMatch(arn -> arn.endsWith(":2"));
    }

    @Test
    void reconcile_deleteRacingAReupload_leavesTheAlgorithmActive() {
        // Given a registered file, deleted; while the delete's registration runs, the file comes back
        ObjectRef ref = upload("wc.json", RegistrarTest.descriptor("wc", ""));
        registrar.reconcile(ref);
        String json = RegistrarTest.descriptor("wc", "");
        store.delete(ref);
        store.meanwhile(() -> {
            upload("wc.json", json);
            registrar.reconcile(ref);
        });

        // When
        RegistrationOutcome outcome = registrar.reconcile(ref);

        // Then the file that lies there is what is registered
        assertThat(outcome.status()).isEqualTo(RegistrationOutcome.Status.ACCEPTED);
        AlgorithmRecord record = registry.algorithm("wc").orElseThrow();
        assertThat(record.active()).isTrue();
        assertThat(ecs.activeRevisions("conveyor-wc")).contains(record.taskDefinitionArn());
    }

    @Test
    void reconcile_recordKeepsChanging_givesUpSoThatTheMessageIsRetried() {
        // Given another registration of the name that writes first every time
        ObjectRef a = upload("a.json", RegistrarTest.descriptor("wc", ""));
        AtomicInteger rounds = new AtomicInteger();
        Runnable[] interfere = new Runnable[1];
        interfere[0] = () -> {
            rounds.incrementAndGet();
            registry.save(new AlgorithmRecord("wc", AlgorithmRecord.Status.RETIRED, "s3://in/algorithms/x.json", null,
                    "sha" + rounds.get(), null, "2026-11-29T09:00:00Z", "2026-11-29T09:00:00Z", null));
            store.meanwhile(interfere[0]);
        };
        store.meanwhile(interfere[0]);

        // When / Then
        assertThatThrownBy(() -> registrar.reconcile(a)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("algorithm 'wc' changed " + Registrar.MAX_ROUNDS + " times");
        assertThat(rounds.get()).isEqualTo(Registrar.MAX_ROUNDS);
        assertThat(ecs.activeRevisions("conveyor-wc")).isEmpty();
    }
}
