package io.conveyor.jobs;

import java.util.Objects;

/**
 * Task definitions that run an image by the digest an attempt ran ({@code retry --same-image}): ECS
 * cannot override a container's image when it starts a task, so a pinned run needs a revision of its own.
 */
public interface PinnedTaskDefinitions {

    /**
     * Registers a new revision of {@code taskDefinitionArn}'s family, identical but for {@code container}'s image,
     * which names {@code digest} ({@code <image without tag or digest>@<digest>}), tagged with the revision it was
     * made from and the job.
     *
     * @param taskDefinitionArn the revision the attempt ran (an INACTIVE one too)
     * @param container         the container whose image is pinned
     * @param digest            the digest that ran, {@code sha256:…}
     * @param jobId             the job it is made for
     * @return the new revision's ARN
     * @throws PinRefusedException when no such revision can be made (the message says why)
     */
    String pin(String taskDefinitionArn, String container, String digest, String jobId);

    /** Pinning where there are no images to pin (the local mode): every pin is refused with {@code why}. */
    static PinnedTaskDefinitions refusing(String why) {
        Objects.requireNonNull(why, "why");
        return (taskDefinitionArn, container, digest, jobId) -> {
            throw new PinRefusedException(why);
        };
    }

    /** A pinned revision cannot be made; nothing was registered. */
    final class PinRefusedException extends RuntimeException {
        public PinRefusedException(String message) {
            super(message);
        }

        public PinRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
