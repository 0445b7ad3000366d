package io.conveyor.dispatch;

import io.conveyor.dispatch.Dispatcher.Verdict;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch's third step: the jobs that fit nowhere are told to the capacity function ({@link CapacitySignal}),
 * which starts or launches instances ({@link CapacityProvisioner}); dispatch itself never calls EC2. The jobs
 * wait in the queue meanwhile: their messages return with a delay that grows per delivery, and each delivery
 * that still finds no room asks again.
 */
final class CapacityRequests {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityRequests.class);

    /** The first wait for capacity; it doubles per receive up to {@link #MAX_CAPACITY_DELAY_SECONDS}. */
    static final int FIRST_CAPACITY_DELAY_SECONDS = 30;
    static final int MAX_CAPACITY_DELAY_SECONDS = 300;
    static final String ASKED = "waits for capacity (asked the capacity function)";

    private final CapacitySignal signal;
    private final Clock clock;

    CapacityRequests(CapacitySignal signal, Clock clock) {
        this.signal = Objects.requireNonNull(signal, "signal");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Asks for capacity for the waiting jobs; a verdict per job, each a wait of {@code delay} seconds. */
    Map<String, Verdict> request(List<Candidate> waiting, String invocation, int delay) {
        String reason = ASKED;
        try {
            signal.send(new CapacityNeed(invocation, clock.instant(), waiting.stream().map(Candidate::demand).toList(),
                    new TreeSet<>(waiting.stream().map(c -> c.algorithm().name()).toList())));
            LOG.info("outcome=capacity-asked jobs={}", waiting.size());
        } catch (RuntimeException e) {
            // The jobs wait all the same, and their next delivery asks again.
            LOG.error("outcome=capacity-ask-failed jobs={} reason=\"{}\"", waiting.size(), e.getMessage(), e);
            reason = "asking for capacity failed: " + e.getMessage();
        }
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        for (Candidate candidate : waiting) {
            verdicts.put(candidate.id(), new Verdict.Wait(delay, reason));
        }
        return verdicts;
    }

    /** 30 s, then doubling per delivery, at most 5 minutes: an instance takes one to three minutes to join. */
    static int capacityDelay(int receiveCount) {
        int exponent = Math.min(Math.max(receiveCount, 1) - 1, 10);
        return Math.min(MAX_CAPACITY_DELAY_SECONDS, FIRST_CAPACITY_DELAY_SECONDS << exponent);
    }
}
