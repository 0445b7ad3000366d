package io.conveyor.descriptor;

/** The two descriptor formats Conveyor reads. */
public enum DescriptorFormat {
    /** The current format ({@code algorithms/schema/descriptor.schema.json}). */
    CURRENT,
    /** The original tool's format ({@code algorithms/schema/legacy-descriptor.schema.json}), converted. */
    LEGACY
}
