package io.conveyor.cli.template;

import static io.conveyor.cli.template.TemplateFixtures.template;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The algorithm tasks' role: inputs, outputs and gather folders, each scoped to its prefix. */
class TemplateTaskRoleTest {

    @Test
    void template_taskRole_readsGatherFoldersButNotBatchRecords() throws IOException {
        // Given the task role's statements
        List<Map<String, Object>> statements = TemplatePoliciesTest.statements(template()).stream()
                .filter(entry -> entry.getKey().equals("TaskRole")).map(Map.Entry::getValue).toList();
        Set<String> actions = new TreeSet<>();
        statements.forEach(statement -> actions.addAll(TemplatePoliciesTest.strings(statement.get("Action"))));

        // Then it reads and lists gather folders (four levels below batches/, which no record is) and nothing more
        assertThat(actions).containsExactlyInAnyOrder("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
                "s3:ListBucket");
        assertThat(sid(statements, "ReadGatherFolders").get("Action")).isEqualTo("s3:GetObject");
        assertThat(sid(statements, "ReadGatherFolders").get("Resource"))
                .isEqualTo(new Intrinsic("Sub", "${OutputBucket.Arn}/batches/*/*/*/*"));
        assertThat(sid(statements, "ListGatherFolders").get("Resource")).isEqualTo(new Intrinsic("GetAtt", "OutputBucket.Arn"));
        assertThat(sid(statements, "ListGatherFolders").get("Condition"))
                .isEqualTo(Map.of("StringLike", Map.of("s3:prefix", "batches/*/*/*/")));
        assertThat(statements).filteredOn(s -> TemplatePoliciesTest.strings(s.get("Action")).contains("s3:PutObject"))
                .extracting(s -> s.get("Resource")).containsExactly(new Intrinsic("Sub", "${OutputBucket.Arn}/outputs/*"));
    }

    private static Map<String, Object> sid(List<Map<String, Object>> statements, String sid) {
        return statements.stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElseThrow();
    }
}
