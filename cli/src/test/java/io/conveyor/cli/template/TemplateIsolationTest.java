package io.conveyor.cli.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps an algorithm's container to its own data outside the task definition: the instances'
 * metadata closed to containers, and outputs that an overwrite cannot destroy.
 */
class TemplateIsolationTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(String logicalId) throws IOException {
        SamTemplate template = SamTemplate.read(TemplateContractTest.HOME.resolve("template.yaml"));
        return (Map<String, Object>) template.resources().get(logicalId).get("Properties");
    }

    @Test
    @SuppressWarnings("unchecked")
    void launchTemplate_metadataOptions_requireTokensOneHopAway() throws IOException {
        // Given the launch template every Conveyor instance starts from
        Map<String, Object> data = (Map<String, Object>) properties("LaunchTemplate").get("LaunchTemplateData");

        // Then IMDSv2 only, with a hop limit of 1: a bridge-mode container is a hop further, so its token
        // request never comes back and the instance role stays out of its reach
        assertThat((Map<String, Object>) data.get("MetadataOptions"))
                .containsEntry("HttpTokens", "required")
                .containsEntry("HttpPutResponseHopLimit", 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void outputBucket_versioning_isOnAndOldVersionsExpire() throws IOException {
        // Given the output bucket
        Map<String, Object> bucket = properties("OutputBucket");

        // Then versioning is on
        assertThat((Map<String, Object>) bucket.get("VersioningConfiguration")).containsEntry("Status", "Enabled");
        // and every prefix Conveyor writes has its old versions expire: outputs after the stack's
        // parameter, records after a day
        List<Map<String, Object>> rules = (List<Map<String, Object>>) ((Map<String, Object>) bucket
                .get("LifecycleConfiguration")).get("Rules");
        Map<String, Object> byPrefix = new java.util.TreeMap<>();
        for (Map<String, Object> rule : rules) {
            if (rule.containsKey("NoncurrentVersionExpiration")) {
                assertThat(rule).containsEntry("Status", "Enabled");
                byPrefix.put(String.valueOf(rule.get("Prefix")),
                        ((Map<String, Object>) rule.get("NoncurrentVersionExpiration")).get("NoncurrentDays"));
            }
        }
        assertThat(byPrefix).containsOnlyKeys("outputs/", "jobs/", "registry/", "fleet/");
        assertThat(byPrefix.get("outputs/")).isInstanceOfSatisfying(Intrinsic.class,
                ref -> assertThat(String.valueOf(ref.argument())).isEqualTo("NoncurrentVersionDays"));
        assertThat(byPrefix).containsEntry("jobs/", 1).containsEntry("registry/", 1).containsEntry("fleet/", 1);
    }
}
