package io.conveyor.fleet;

import java.util.List;

/**
 * The per-instance alarms that stop idle instances (CloudWatch on AWS).
 */
public interface IdleAlarms {

    /** Every idle alarm of this stack. */
    List<IdleAlarm> list();

    /** Creates the idle alarm of an instance (creating it again changes nothing). */
    void create(String instanceId);

    /** Deletes alarms by name. */
    void delete(List<String> alarmNames);

    /** Sets an alarm back to OK, so that the next idle period fires its action again. */
    void reset(String alarmName, String reason);
}
