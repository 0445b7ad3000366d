package io.conveyor.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What was decided for one gather step of a batch, once and for all: either the gather job issued (its id,
 * the member jobs whose outputs it takes, those skipped as failed), or the gather failed (the member that
 * failed and why, or why there was nothing to gather).
 *
 * @param jobId        the gather job's id, or {@code null} when the gather failed
 * @param taken        the jobs of the gathered step whose outputs it takes
 * @param skipped      the failed or cancelled jobs left out ({@code onMemberFailure: skip})
 * @param failedMember the job whose failure failed the gather ({@code onMemberFailure: fail}), or {@code null}
 * @param reason       why the gather failed, or {@code null}
 * @param decidedAt    when it was decided (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchGather(String jobId, List<String> taken, List<String> skipped, String failedMember, String reason,
                          String decidedAt) {

    public BatchGather {
        taken = taken == null ? List.of() : List.copyOf(taken);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    /** Whether the gather job was issued (rather than the gather failing). */
    public boolean issued() {
        return jobId != null;
    }
}
