package io.conveyor.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.conveyor.fleet.IdleAlarm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxAlarmsTest {

    final SandboxClockTest.Wall wall = new SandboxClockTest.Wall();
    final List<String> stopped = new ArrayList<>();
    final SandboxAlarms alarms = new SandboxAlarms("sandbox", 3, stopped::add, SandboxClock.scaled(wall, 1));

    @Test
    void evaluate_idleForEveryPeriod_goesIntoAlarmAndStopsTheInstanceOnce() {
        // Given an instance's alarm and three minutes of zero tasks
        alarms.create("i-1");
        for (int minute = 0; minute < 3; minute++) {
            alarms.publishTasks(Map.of("i-1", 0), wall.now.plusSeconds(60L * minute + 5));
        }

        // When the alarms are evaluated once the third minute is over, and again later
        wall.now = wall.now.plusSeconds(181);
        alarms.evaluate();
        alarms.evaluate();

        // Then the alarm is in ALARM and its action stopped the instance once
        assertThat(alarms.list()).singleElement().satisfies(alarm -> {
            assertThat(alarm.name()).isEqualTo("sandbox-idle-i-1");
            assertThat(alarm.state()).isEqualTo(IdleAlarm.State.ALARM);
        });
        assertThat(stopped).containsExactly("i-1");
    }

    @Test
    void evaluate_aTaskInAnyPeriod_keepsTheInstance() {
        alarms.create("i-1");
        alarms.publishTasks(Map.of("i-1", 0), wall.now.plusSeconds(5));
        alarms.publishTasks(Map.of("i-1", 1), wall.now.plusSeconds(65));
        alarms.publishTasks(Map.of("i-1", 0), wall.now.plusSeconds(125));
        wall.now = wall.now.plusSeconds(181);

        alarms.evaluate();

        assertThat(alarms.list()).extracting(IdleAlarm::state).containsExactly(IdleAlarm.State.OK);
        assertThat(stopped).isEmpty();
    }

    @Test
    void evaluate_missingData_neverStopsAMachine() {
        alarms.create("i-1");
        alarms.publishTasks(Map.of("i-1", 0), wall.now.plusSeconds(5));
        wall.now = wall.now.plusSeconds(600);

        alarms.evaluate();

        assertThat(stopped).isEmpty();
    }

    @Test
    void reset_alarmInAlarm_isOkAgainAndMayFireAgain() {
        alarms.create("i-1");
        for (int minute = 0; minute < 6; minute++) {
            alarms.publishTasks(Map.of("i-1", 0), wall.now.plusSeconds(60L * minute + 5));
        }
        wall.now = wall.now.plusSeconds(181);
        alarms.evaluate();

        alarms.reset("sandbox-idle-i-1", "still running");
        wall.now = wall.now.plusSeconds(180);
        alarms.evaluate();

        assertThat(stopped).containsExactly("i-1", "i-1");
    }

    @Test
    void delete_alarm_isGone() {
        alarms.create("i-1");
        alarms.create("i-2");

        alarms.delete(List.of("sandbox-idle-i-1"));

        assertThat(alarms.list()).extracting(IdleAlarm::instanceId).containsExactly("i-2");
    }
}
