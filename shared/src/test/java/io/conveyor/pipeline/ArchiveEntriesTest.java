package io.conveyor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conveyor.storage.BucketLayout;
import org.junit.jupiter.api.Test;

/** The rules every driver unpacks archives by: kinds, member names, and where members lie. */
class ArchiveEntriesTest {

    @Test
    void path_dotAndEmptyParts_droppedSoTwoSpellingsAreOneName() throws Exception {
        assertThat(ArchiveEntries.path("a.zip", "./dir//b.txt")).isEqualTo("dir/b.txt");
        assertThat(ArchiveEntries.path("a.zip", "dir\\c.txt")).isEqualTo("dir/c.txt");
    }

    @Test
    void path_hostileNames_refusedNamingArchiveAndMember() {
        assertThatThrownBy(() -> ArchiveEntries.path("a.zip", "x/../../y")).isInstanceOf(PipelineJobs.UnpackException.class)
                .hasMessage("'a.zip': member 'x/../../y' has '..' in its name: the archive is not unpacked");
        assertThatThrownBy(() -> ArchiveEntries.path("a.zip", "C:\\win.ini")).hasMessageContaining("an absolute name");
        assertThatThrownBy(() -> ArchiveEntries.path("a.zip", "/etc/passwd")).hasMessageContaining("an absolute name");
        assertThatThrownBy(() -> ArchiveEntries.path("a.zip", "./.")).hasMessage("'a.zip': member './.' has no usable name");
    }

    @Test
    void kind_byName_caseBlindAndEmptyForOthers() {
        assertThat(ArchiveEntries.kind("X.ZIP")).contains(ArchiveEntries.Kind.ZIP);
        assertThat(ArchiveEntries.kind("x.tgz")).contains(ArchiveEntries.Kind.TAR_GZ);
        assertThat(ArchiveEntries.kind("x.tar")).contains(ArchiveEntries.Kind.TAR);
        assertThat(ArchiveEntries.kind("x.gz")).isEmpty();
    }

    @Test
    void archiveMembersPrefix_etagVersion_sixteenCharactersBelowTheStepsMembersFolder() {
        assertThat(BucketLayout.archiveMembersPrefix("p", "b1", "each", "sub/set.zip",
                "etag:0123456789abcdef0123456789abcdef")).isEqualTo("outputs/p/b1/each.members/sub/set.zip/0123456789abcdef/");
        assertThat(BucketLayout.archiveMembersPrefix("p", "b1", "each", "../set.zip", "etag:\"ab\""))
                .isEqualTo("outputs/p/b1/each.members/_../set.zip/ab/");
    }
}
