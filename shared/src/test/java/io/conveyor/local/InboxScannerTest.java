package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which inbox files are ready: a file is taken once it stopped changing, once; a file that changes
 * afterwards is new input; folders are no inputs, and files outside an algorithm's folder are
 * misplaced.
 */
class InboxScannerTest {

    @TempDir
    Path inbox;

    @Test
    void scan_settledFile_isReadyOnceWithItsAlgorithmAndPath() throws Exception {
        // Given a file below an algorithm's folder, and no stability window
        Path file = write("copy/2026/a.txt", "abc");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);

        // When the inbox is looked at three times
        InboxScanner.Scan first = scanner.scan();
        InboxScanner.Scan second = scanner.scan();
        InboxScanner.Scan third = scanner.scan();

        // Then it is seen, then taken, then left alone
        assertThat(first.pending()).isTrue();
        assertThat(first.ready()).isEmpty();
        assertThat(second.ready()).containsExactly(new InboxScanner.Ready(file, "copy", "2026/a.txt"));
        assertThat(third.ready()).isEmpty();
        assertThat(third.pending()).isFalse();
    }

    @Test
    void scan_takenFileWhoseSizeOrTimeChanged_isReadyAgainOnceSettled() throws Exception {
        Path file = write("copy/a.txt", "abc");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);
        scanner.scan();
        scanner.scan();

        Files.writeString(file, "abcd");
        InboxScanner.Scan grown = scanner.scan();
        InboxScanner.Scan grownSettled = scanner.scan();
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() - 60_000));
        InboxScanner.Scan touched = scanner.scan();
        InboxScanner.Scan touchedSettled = scanner.scan();

        assertThat(grown.ready()).isEmpty();
        assertThat(grownSettled.ready()).extracting(InboxScanner.Ready::file).containsExactly(file);
        assertThat(touched.ready()).isEmpty();
        assertThat(touchedSettled.ready()).extracting(InboxScanner.Ready::file).containsExactly(file);
    }

    @Test
    void scan_fileStillYoungerThanTheWindow_staysPending() throws Exception {
        write("copy/a.txt", "abc");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofHours(1));
        scanner.scan();

        InboxScanner.Scan again = scanner.scan();

        assertThat(again.ready()).isEmpty();
        assertThat(again.pending()).isTrue();
    }

    @Test
    void scan_foldersAndHiddenFiles_areNoInputsAndAFileRightInTheInboxIsMisplacedOnce() throws Exception {
        Files.createDirectories(inbox.resolve("copy/empty-folder"));
        Files.createDirectories(inbox.resolve("other"));
        write("copy/.partial.txt", "being uploaded");
        Path stray = write("stray.txt", "x");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);

        InboxScanner.Scan first = scanner.scan();
        InboxScanner.Scan second = scanner.scan();

        assertThat(first.misplaced()).containsExactly(new InboxScanner.Misplaced(stray));
        assertThat(first.ready()).isEmpty();
        assertThat(first.pending()).isFalse();
        assertThat(second.misplaced()).isEmpty();
        assertThat(second.ready()).isEmpty();
    }

    Path write(String relative, String content) throws Exception {
        Path file = inbox.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
