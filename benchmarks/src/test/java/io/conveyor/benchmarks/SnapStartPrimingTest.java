package io.conveyor.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cold-start children prime what a handler registered with CRaC, as SnapStart does; without a CRaC
 * implementation {@code org.crac} drops registrations, which once made "primed" rows measure unprimed handlers.
 */
class SnapStartPrimingTest {

    /** A resource that notes its calls. */
    private record Noting(String name, List<String> calls) implements org.crac.Resource {
        @Override
        public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
            calls.add("before " + name);
        }

        @Override
        public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
            calls.add("after " + name);
        }
    }

    @BeforeAll
    static void snapStart() {
        // Read once, when org.crac.Core is first used in this JVM (as the harness sets it on each child).
        System.setProperty("org.crac.Core.Compat", ColdStartChild.SNAPSTART);
    }

    @Test
    void checkpointRestore_registeredResources_runBeforeLastFirstThenAfterFirstFirst() throws Exception {
        // Given two resources registered with CRaC's global context, as a handler's constructor registers its priming
        List<String> calls = new ArrayList<>();
        Noting first = new Noting("first", calls);
        Noting second = new Noting("second", calls);
        int before = io.conveyor.benchmarks.snapstart.Core.registered();
        org.crac.Core.getGlobalContext().register(first);
        org.crac.Core.getGlobalContext().register(second);

        // When the checkpoint and restore run
        org.crac.Core.checkpointRestore();

        // Then both were primed, in CRaC's order
        assertThat(io.conveyor.benchmarks.snapstart.Core.registered()).isEqualTo(before + 2);
        assertThat(calls).containsSubsequence("before second", "before first", "after first", "after second");
    }

    @Test
    void main_primeOfAHandlerThatRegistersNothing_fails() {
        // Given a handler that registers no CRaC resource, primed as the harness primes one
        String[] args = {ColdStartChild.BareSqsHandler.class.getName(), "no-event.json", "prime"};

        // When / Then the child refuses rather than timing an unprimed handler as primed
        assertThatThrownBy(() -> ColdStartChild.main(args)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registered no CRaC resource");
    }
}
