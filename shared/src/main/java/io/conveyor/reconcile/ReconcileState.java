package io.conveyor.reconcile;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the reconciler keeps between passes, in one object of the output bucket: where the listing of inputs
 * goes on, and what it sent lately (an input's notification, a job's message) with until when it does not
 * send it again, so that a pass does not send twice what dispatch has not taken yet.
 *
 * @param inputsAfter the last input key a pass looked at, or {@code null} to start from the first
 * @param sent        an input ({@code <key>#<version>}) or a job id → until when it is not sent again (ISO-8601)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReconcileState(String inputsAfter, Map<String, String> sent) {

    /** Where a first pass starts. */
    public static final ReconcileState FIRST = new ReconcileState(null, Map.of());

    public ReconcileState {
        sent = sent == null ? Map.of() : Map.copyOf(sent);
    }

    /** Whether {@code what} was sent and is not to be sent again before some time after {@code now}. */
    public boolean sentRecently(String what, Instant now) {
        String until = sent.get(what);
        return until != null && Instant.parse(until).isAfter(now);
    }

    /** The same state with {@code what} sent now and held back until {@code until}. */
    public ReconcileState withSent(Iterable<String> what, Instant until) {
        Map<String, String> next = new TreeMap<>(sent);
        what.forEach(item -> next.put(item, until.toString()));
        return new ReconcileState(inputsAfter, next);
    }

    /** The same state going on after {@code key} ({@code null}: from the first key, the listing wrapped). */
    public ReconcileState withInputsAfter(String key) {
        return new ReconcileState(key, sent);
    }

    /** The same state without what may be sent again by {@code now}. */
    public ReconcileState pruned(Instant now) {
        Map<String, String> next = new TreeMap<>();
        sent.forEach((what, until) -> {
            if (Instant.parse(until).isAfter(now)) {
                next.put(what, until);
            }
        });
        return new ReconcileState(inputsAfter, next);
    }

    /** As stored. */
    public byte[] toJson() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A stored state.
     *
     * @throws IllegalArgumentException naming the object when it is not such a state
     */
    public static ReconcileState fromJson(byte[] json, String where) {
        try {
            return Json.mapper().readValue(new String(json, StandardCharsets.UTF_8), ReconcileState.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException(where + ": not a reconciler state: " + e.getMessage(), e);
        }
    }
}
