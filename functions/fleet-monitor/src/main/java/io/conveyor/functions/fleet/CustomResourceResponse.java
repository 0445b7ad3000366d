package io.conveyor.functions.fleet;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.conveyor.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to one CloudFormation custom resource request: the JSON body PUT to its ResponseURL
 * (AWS: "Custom resource response objects"; the whole body at most 4096 bytes).
 *
 * @param status             {@code SUCCESS} or {@code FAILED}
 * @param reason             why it failed (required with FAILED), or {@code null}
 * @param physicalResourceId the resource's id; the same in every answer for one resource
 */
record CustomResourceResponse(String status, String reason, String physicalResourceId) {

    static final String SUCCESS = "SUCCESS";
    static final String FAILED = "FAILED";
    /** CloudFormation refuses bodies over 4096 bytes; the ids take some, the reason gets the rest. */
    static final int MAX_BODY_BYTES = 4096;

    CustomResourceResponse {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(physicalResourceId, "physicalResourceId");
        if (FAILED.equals(status) && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("reason: required when status is FAILED");
        }
    }

    static CustomResourceResponse success(String physicalResourceId) {
        return new CustomResourceResponse(SUCCESS, null, physicalResourceId);
    }

    static CustomResourceResponse failed(String reason, String physicalResourceId) {
        return new CustomResourceResponse(FAILED, reason, physicalResourceId);
    }

    /** The body for {@code event}, its ids echoed; a reason too long for the limit is cut, saying so. */
    byte[] body(CloudFormationCustomResourceEvent event) {
        String shortened = reason;
        while (true) {
            byte[] body = serialize(event, shortened);
            if (body.length <= MAX_BODY_BYTES || shortened == null || shortened.length() < 100) {
                return body;
            }
            int keep = Math.max(0, shortened.length() - (body.length - MAX_BODY_BYTES) - 40);
            shortened = shortened.substring(0, Math.min(keep, shortened.length() - 50)) + " ... (cut; the log has all)";
        }
    }

    private byte[] serialize(CloudFormationCustomResourceEvent event, String reasonText) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Status", status);
        if (reasonText != null) {
            fields.put("Reason", reasonText);
        }
        fields.put("PhysicalResourceId", physicalResourceId);
        fields.put("StackId", event.getStackId());
        fields.put("RequestId", event.getRequestId());
        fields.put("LogicalResourceId", event.getLogicalResourceId());
        fields.put("NoEcho", false);
        fields.put("Data", Map.of());
        try {
            return Json.mapper().writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the response: " + Json.describe(e), e);
        }
    }
}
