package io.conveyor.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.FleetInstance;
import io.conveyor.observe.MetricLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapacityProvisionerTest {

    final DispatcherTest.Fleet fleet = new DispatcherTest.Fleet();
    final List<String> metrics = new ArrayList<>();
    Instant now = Instant.parse("2026-11-21T10:00:00Z");
    Duration leaseLength = Duration.ofSeconds(45);
    int leaseTaken;

    CapacityProvisioner provisioner(int maxInstances) {
        return new CapacityProvisioner(fleet, holder -> {
            leaseTaken++;
            return java.util.Optional.of(now.plus(leaseLength));
        }, new CapacityPlanner(maxInstances, "m6i.large"), Clock.fixed(now, ZoneOffset.UTC), "prod", metrics::add);
    }

    static CapacityNeed need(Instant at, String algorithm, String... jobs) {
        return new CapacityNeed("dispatch-1", at, List.of(jobs).stream()
                .map(job -> new Packer.Demand(job, 1024, 2048, Set.of())).toList(), Set.of(algorithm));
    }

    @Test
    void provision_needsOfOneBatch_areDecidedTogetherWithEachJobOnce() {
        // Given two needs naming one job twice, asked for a moment ago
        CapacityNeed first = need(now.minusSeconds(5), "word-count", "job-a", "job-b");
        CapacityNeed second = need(now.minusSeconds(2), "word-count", "job-b");

        // When they are provisioned in one batch
        CapacityProvisioner.Outcome outcome = provisioner(3).provision(List.of(first, second), List.of(), "capacity-1");

        // Then one lease, one launch for both jobs (two fit one m6i.large), tagged with the one algorithm
        assertThat(outcome).isEqualTo(CapacityProvisioner.Outcome.DECIDED);
        assertThat(leaseTaken).isEqualTo(1);
        assertThat(fleet.calls).containsExactly("launch m6i.large x1");
        assertThat(fleet.launchedFor).containsExactly("word-count");
    }

    @Test
    void provision_staleNeed_asksNothingOfEc2() {
        // Given a need older than its jobs' first wait (they have asked again since, or started)
        CapacityNeed old = need(now.minus(CapacityProvisioner.FRESH_FOR).minusSeconds(1), "word-count", "job-a");

        CapacityProvisioner.Outcome outcome = provisioner(3).provision(List.of(old), List.of(), "capacity-1");

        assertThat(outcome).isEqualTo(CapacityProvisioner.Outcome.STALE);
        assertThat(leaseTaken).isZero();
        assertThat(fleet.described).isZero();
    }

    @Test
    void provision_twoAlgorithmsWaiting_launchesWithoutAnAlgorithmTag() {
        CapacityNeed a = need(now, "word-count", "job-a");
        CapacityNeed b = need(now, "thresholds", "job-b");

        provisioner(3).provision(List.of(a, b), List.of(), "capacity-1");

        assertThat(fleet.calls).containsExactly("launch m6i.large x1");
        assertThat(fleet.launchedFor).isEmpty();
    }

    @Test
    void provision_capReached_writesTheShortfallMetric() {
        // Given the cap of one instance already live
        fleet.instances.add(new FleetInstance("i-a", "m6i.large", FleetInstance.State.RUNNING));

        CapacityProvisioner.Outcome outcome = provisioner(1).provision(List.of(need(now, "word-count", "job-a")),
                List.of(new io.conveyor.fleet.ContainerInstanceLoad("ci-a", "i-a", "ACTIVE", true, 0, 0, "m6i.large", 0, 0)),
                "capacity-1");

        assertThat(outcome).isEqualTo(CapacityProvisioner.Outcome.DECIDED);
        assertThat(fleet.calls).isEmpty();
        assertThat(metrics).singleElement().asString().contains("\"CapacityShortfall\":1");
    }

    @Test
    void provision_leaseAboutToRunOutWhileAnInstanceBoots_waitsForThatInstance() {
        // Given an instance on its way, and a lease with less than its margin left
        fleet.instances.add(new FleetInstance("i-p", "m6i.large", FleetInstance.State.PENDING));
        leaseLength = Duration.ofSeconds(10);

        CapacityProvisioner.Outcome outcome = provisioner(3).provision(List.of(need(now, "word-count", "job-a")),
                List.of(), "capacity-1");

        // Then nothing is to be launched, so the short lease does not matter
        assertThat(outcome).isEqualTo(CapacityProvisioner.Outcome.DECIDED);
        assertThat(fleet.calls).isEmpty();
    }
}
