package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

class FaultsTest {

    static List<Message> messages(int n) {
        return IntStream.range(0, n).mapToObj(i -> Message.builder().messageId("m" + i).body("b" + i).build()).toList();
    }

    @Test
    void parse_everyFault_readsItsFraction() {
        Faults.Settings settings = Faults.parse(List.of("drop=0.02", "duplicate=0.03", "kill-handler=0.5", "seed=7"));

        assertThat(settings).isEqualTo(new Faults.Settings(0.02, 0.03, 0.5, 7));
    }

    @Test
    void parse_serviceFaults_readTheServiceAndItsShare() {
        Faults.Settings settings = Faults.parse(List.of("throttle=ECS:0.05", "error=s3:0.1"));

        assertThat(settings.throttled()).containsExactly(java.util.Map.entry("ecs", 0.05));
        assertThat(settings.failed()).containsExactly(java.util.Map.entry("s3", 0.1));
        assertThatThrownBy(() -> Faults.parse(List.of("throttle=0.05"))).hasMessageContaining("throttle=SERVICE:FRACTION");
        assertThatThrownBy(() -> Faults.parse(List.of("error=s3:7"))).hasMessageContaining("error=s3");
    }

    @Test
    void call_shares_drawThrottlesThenErrorsAndCountThem() {
        Faults faults = new Faults(new Faults.Settings(0, 0, 0, 5, java.util.Map.of("ecs", 0.5),
                java.util.Map.of("ecs", 0.5)));

        List<Faults.CallFault> drawn = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            drawn.add(faults.call("ecs"));
        }

        assertThat(drawn).doesNotContain(Faults.CallFault.NONE).contains(Faults.CallFault.THROTTLED, Faults.CallFault.FAILED);
        assertThat(faults.injected().get("throttle=ecs") + faults.injected().get("error=ecs")).isEqualTo(100);
        assertThat(faults.call("s3")).isEqualTo(Faults.CallFault.NONE);
    }

    @Test
    void parse_badSettings_nameTheFlagAndTheFault() {
        assertThatThrownBy(() -> Faults.parse(List.of("drop=2"))).hasMessageContaining("--fault drop=2.0");
        assertThatThrownBy(() -> Faults.parse(List.of("flood=0.1"))).hasMessageContaining("unknown fault 'flood'");
        assertThatThrownBy(() -> Faults.parse(List.of("drop"))).hasMessageContaining("NAME=VALUE");
        assertThatThrownBy(() -> Faults.parse(List.of("drop=x"))).hasMessageContaining("'x' is not a number");
    }

    @Test
    void deliver_none_deliversEverything() {
        Faults faults = new Faults(Faults.NONE);

        Faults.Delivery delivery = faults.deliver(messages(5), body -> { throw new AssertionError(body); });

        assertThat(delivery.messages()).hasSize(5);
        assertThat(delivery.handlerKilled()).isFalse();
    }

    @Test
    void deliver_dropAndDuplicateEverything_dropsAllAndResendsNone() {
        List<String> resent = new ArrayList<>();

        Faults.Delivery dropped = new Faults(new Faults.Settings(1, 0, 0, 1)).deliver(messages(4), resent::add);
        Faults.Delivery duplicated = new Faults(new Faults.Settings(0, 1, 0, 1)).deliver(messages(4), resent::add);

        assertThat(dropped.messages()).isEmpty();
        assertThat(duplicated.messages()).hasSize(4);
        assertThat(resent).containsExactly("b0", "b1", "b2", "b3");
    }

    @Test
    void deliver_killEveryInvocation_handsOnlyAPrefixAndSaysSo() {
        Faults faults = new Faults(new Faults.Settings(0, 0, 1, 3));

        Faults.Delivery delivery = faults.deliver(messages(10), body -> { });

        assertThat(delivery.handlerKilled()).isTrue();
        assertThat(delivery.messages()).hasSizeLessThan(10);
        assertThat(messages(10).subList(0, delivery.messages().size())).isEqualTo(delivery.messages());
    }

    @Test
    void deliver_killBatch_killsThatBatchOfTwoOrMoreOnceAndNoOther() {
        // Given the second batch of two messages or more to be killed
        Faults faults = new Faults(Faults.parse(List.of("kill-batch=2")));

        // When batches of 1, 4, 1, 4 and 4 messages arrive
        List<Boolean> killed = List.of(1, 4, 1, 4, 4).stream()
                .map(n -> faults.deliver(messages(n), body -> { }).handlerKilled()).toList();

        // Then the fourth (the second of two or more) dies after half of it, once
        assertThat(killed).containsExactly(false, false, false, true, false);
        assertThat(faults.injected()).containsEntry("kill-handler", 1L);
        assertThat(Faults.parse(List.of("kill-batch=2")).killBatch()).isEqualTo(2);
    }

    @Test
    void deliver_sameSeed_sameFaults() {
        List<Integer> first = IntStream.range(0, 20).mapToObj(i -> 0).toList();
        Faults a = new Faults(new Faults.Settings(0.5, 0, 0, 42));
        Faults b = new Faults(new Faults.Settings(0.5, 0, 0, 42));

        List<Integer> sizesA = new ArrayList<>();
        List<Integer> sizesB = new ArrayList<>();
        first.forEach(i -> sizesA.add(a.deliver(messages(10), x -> { }).messages().size()));
        first.forEach(i -> sizesB.add(b.deliver(messages(10), x -> { }).messages().size()));

        assertThat(sizesA).isEqualTo(sizesB).isNotEqualTo(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
                10, 10, 10, 10, 10, 10, 10));
    }
}
