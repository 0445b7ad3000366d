package io.conveyor.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IdlePolicyTest {

    @Test
    void alarmName_instance_isStackIdleInstance() {
        IdlePolicy policy = new IdlePolicy("conveyor", 10, "Conveyor", "Tasks");

        assertThat(policy.alarmName("i-0abc")).isEqualTo("conveyor-idle-i-0abc");
        assertThat(policy.instanceOf("conveyor-idle-i-0abc")).contains("i-0abc");
    }

    @Test
    void instanceOf_otherStacksOrNames_isEmpty() {
        IdlePolicy policy = new IdlePolicy("conveyor", 10, "Conveyor", "Tasks");

        assertThat(policy.instanceOf("staging-idle-i-0abc")).isEmpty();
        assertThat(policy.instanceOf("conveyor-idle-")).isEmpty();
        assertThat(policy.instanceOf(null)).isEmpty();
    }

    @Test
    void new_idleMinutesOutOfRange_namesTheField() {
        assertThatThrownBy(() -> new IdlePolicy("conveyor", 0, "Conveyor", "Tasks"))
                .hasMessage("idleMinutes: must be between 1 and 1440, was 0");
        assertThatThrownBy(() -> new IdlePolicy("conveyor", 1441, "Conveyor", "Tasks"))
                .hasMessageStartingWith("idleMinutes:");
    }
}
