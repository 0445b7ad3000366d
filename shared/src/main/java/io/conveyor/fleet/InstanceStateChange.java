package io.conveyor.fleet;

import java.util.Map;

/**
 * An EC2 Instance State-change Notification: an instance entered a new state.
 *
 * @param instanceId the EC2 instance
 * @param state      the state it entered, e.g. {@code stopped}, {@code terminated}
 */
public record InstanceStateChange(String instanceId, String state) {

    /** The EventBridge {@code detail-type} of these notifications. */
    public static final String DETAIL_TYPE = "EC2 Instance State-change Notification";

    public InstanceStateChange {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("detail.instance-id: missing");
        }
        if (state == null || state.isBlank()) {
            throw new IllegalArgumentException("detail.state: missing");
        }
    }

    /**
     * Reads the {@code detail} object of the notification.
     *
     * @throws IllegalArgumentException naming the field at fault
     */
    public static InstanceStateChange fromDetail(Map<String, Object> detail) {
        if (detail == null) {
            throw new IllegalArgumentException("detail: missing");
        }
        return new InstanceStateChange(string(detail.get("instance-id"), "instance-id"),
                string(detail.get("state"), "state"));
    }

    private static String string(Object value, String field) {
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("detail." + field + ": expected a string, was " + value);
        }
        return (String) value;
    }
}
