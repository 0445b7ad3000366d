package io.conveyor.registration;

import io.conveyor.descriptor.Descriptor;
import java.util.Objects;

/**
 * What the registry knows of one algorithm: the descriptor it runs and its current task definition.
 *
 * @param name              the algorithm
 * @param status            whether new inputs are accepted
 * @param descriptor        the S3 URI of the descriptor it came from
 * @param descriptorVersion that descriptor's version id, or {@code null}
 * @param sha256            the descriptor's SHA-256
 * @param taskDefinitionArn the revision jobs run
 * @param registeredAt      when that revision was registered (ISO-8601)
 * @param retiredAt         when it was retired, or {@code null}
 * @param definition        the normalized descriptor
 */
public record AlgorithmRecord(String name, Status status, String descriptor, String descriptorVersion, String sha256,
                              String taskDefinitionArn, String registeredAt, String retiredAt, Descriptor definition) {

    /** Whether the algorithm takes new inputs. */
    public enum Status { ACTIVE, RETIRED }

    public AlgorithmRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(descriptor, "descriptor");
    }

    /** Whether it takes new inputs. */
    public boolean active() {
        return status == Status.ACTIVE;
    }
}
