package io.conveyor.aws;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3GatherFoldersTest {

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", ".", "a/", ""})
    void checkPath_navigatingPath_isRefusedNamingTheMember(String path) {
        assertThatThrownBy(() -> S3GatherFolders.checkPath("job-1", path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member job-1's output path '" + path + "'");
    }

    @Test
    void checkPath_hostileButPlainNames_areKept() {
        assertThatCode(() -> S3GatherFolders.checkPath("job-1", "sub/it's \"$(id)\" `x`\nb..c/...txt"))
                .doesNotThrowAnyException();
    }
}
