package io.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        assertThat(second.ready()).singleElement().satisfies(ready -> {
            assertThat(ready.file()).isEqualTo(file);
            assertThat(ready.algorithm()).isEqualTo("copy");
            assertThat(ready.rest()).isEqualTo("2026/a.txt");
            assertThat(ready.size()).isEqualTo(3);
        });
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
    void scan_fileLastWrittenLongerAgoThanTheWindow_isReadyWhenFirstSeenAndAFreshOneWaits() throws Exception {
        // Given a file last written two hours ago and one written now, and a window of an hour
        Path old = write("copy/old.txt", "abc");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis()));
        write("copy/fresh.txt", "def");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofHours(1));

        // When the inbox is looked at once
        InboxScanner.Scan first = scanner.scan();

        // Then the old file is taken at once, and the fresh one waits for the window
        assertThat(first.ready()).extracting(InboxScanner.Ready::file, InboxScanner.Ready::rest)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(old, "old.txt"));
        assertThat(first.pending()).isTrue();
    }

    @Test
    void scan_takenFileReplacedByAnOldOne_isReadyAgainWhenFirstSeen() throws Exception {
        // Given a taken file, then replaced by content last written two hours ago (as cp -p or mv leave it)
        Path file = write("copy/a.txt", "abc");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(3).toMillis()));
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofHours(1));
        assertThat(scanner.scan().ready()).hasSize(1);
        Files.writeString(file, "abcd");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis()));

        // When the inbox is looked at again
        InboxScanner.Scan again = scanner.scan();

        // Then its new content is taken at once (a recheck finds it: 16 taken files a look at least)
        assertThat(again.ready()).extracting(InboxScanner.Ready::file).containsExactly(file);
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

    @Test
    void scan_fileAddedRightAfterALook_isSeenByTheNextLook() throws Exception {
        // Given a folder just listed (its time of change may not move for a file made in the same tick)
        write("copy/a.txt", "abc");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);
        scanner.scan();

        // When a file is added at once, and the inbox is looked at twice
        Path added = write("copy/b.txt", "def");
        InboxScanner.Scan seen = scanner.scan();
        InboxScanner.Scan settled = scanner.scan();

        // Then it is seen, then taken
        assertThat(seen.pending()).isTrue();
        assertThat(settled.ready()).extracting(InboxScanner.Ready::file).contains(added);
    }

    @Test
    void scan_oneOfManyTakenFilesRewrittenInPlace_isTakenAgainWithinARoundOfLooks() throws Exception {
        // Given 100 taken files
        for (int i = 0; i < 100; i++) {
            write("copy/" + i + ".txt", "content " + i);
        }
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);
        scanner.scan();
        assertThat(scanner.scan().ready()).hasSize(100);

        // When one is rewritten in place (its folder's time of change stays) and the inbox is looked at
        Path rewritten = write("copy/77.txt", "a longer content now");
        List<Path> readyAgain = new ArrayList<>();
        for (int look = 0; look < 100 / 16 + 3; look++) {
            scanner.scan().ready().forEach(ready -> readyAgain.add(ready.file()));
        }

        // Then it is taken again, alone, within a round (16 taken files at least are looked at again per look)
        assertThat(readyAgain).containsExactly(rewritten);
    }

    @Test
    void scan_fileAnEarlierRunRanAsItIsNow_isReadyWhenFirstSeenAndOthersWaitTheWindow() throws Exception {
        // Given a file an earlier run ran and a new one, and a window of an hour
        Path ran = write("copy/ran.txt", "abc");
        write("copy/new.txt", "def");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofHours(1), (file, algorithm) -> file.equals(ran)
                && algorithm.equals("copy"));

        // When the inbox is looked at
        InboxScanner.Scan first = scanner.scan();

        // Then the file that ran is ready (to be found done) at once; the new one waits
        assertThat(first.ready()).extracting(InboxScanner.Ready::file).containsExactly(ran);
        assertThat(first.pending()).isTrue();
    }

    @Test
    void scan_hiddenFoldersAndFiles_areSaidOnceEachForTheTopHiddenName() throws Exception {
        // Given hidden folders at the top and below an algorithm's folder (two files in one), a hidden file, and an input
        write(".top/y.txt", "y");
        write("copy/.git/x.txt", "x");
        write("copy/.git/objects/z.txt", "z");
        write("copy/deep/.hid", "h");
        Path input = write("copy/deep/ok.txt", "ok");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ZERO);

        // When the inbox is looked at twice
        InboxScanner.Scan first = scanner.scan();
        InboxScanner.Scan second = scanner.scan();

        // Then each hidden name is said once, the folders' by the folder, and only the input is taken
        assertThat(first.skipped()).containsExactlyInAnyOrder(
                new InboxScanner.Skipped(inbox.resolve(".top"), "a hidden folder: its files are no inputs"),
                new InboxScanner.Skipped(inbox.resolve("copy/.git"), "a hidden folder: its files are no inputs"),
                new InboxScanner.Skipped(inbox.resolve("copy/deep/.hid"), "a hidden file: no input"));
        assertThat(second.skipped()).isEmpty();
        assertThat(first.ready()).isEmpty();
        assertThat(second.ready()).singleElement().satisfies(ready -> {
            assertThat(ready.file()).isEqualTo(input);
            assertThat(ready.algorithm()).isEqualTo("copy");
            assertThat(ready.rest()).isEqualTo("deep/ok.txt");
        });
    }

    @Test
    void scan_fileThatKeepsChanging_isSaidToBeWaitedForOnce() throws Exception {
        // Given a file that changes before every look, for more than twice the time after which it is said
        Path file = write("copy/growing.txt", "x");
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofSeconds(1));
        List<InboxScanner.Skipped> waiting = new ArrayList<>();
        long end = System.nanoTime() + InboxScanner.SAY_WAITING_AFTER.multipliedBy(2).plusMillis(900).toNanos();

        // When the inbox is looked at every 300 ms meanwhile
        while (System.nanoTime() < end) {
            Files.writeString(file, Files.readString(file) + "x");
            InboxScanner.Scan scan = scanner.scan();
            assertThat(scan.ready()).isEmpty();
            waiting.addAll(scan.waiting());
            Thread.sleep(300);
        }

        // Then it is said once, naming the file and the window
        assertThat(waiting).singleElement().satisfies(said -> {
            assertThat(said.file()).isEqualTo(file);
            assertThat(said.reason()).contains("still changing").contains("(--stable)");
        });
    }

    @Test
    void scan_folderOfManyFiles_looksAtEachInParallelAndKeepsEachFilesOwnState() throws Exception {
        // Given 1,500 files of different sizes in one folder (enough to be looked at by several threads), and a folder
        // among them
        long old = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 1_500; i++) {
            Files.setLastModifiedTime(write("copy/f" + i + ".txt", "x".repeat(i % 97 + 1)), FileTime.fromMillis(old));
        }
        Path nested = write("copy/sub/inner.txt", "inner");
        Files.setLastModifiedTime(nested, FileTime.fromMillis(old));
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofSeconds(1));

        // When it is looked at
        List<InboxScanner.Ready> ready = new ArrayList<>(scanner.scan().ready());
        ready.addAll(scanner.scan().ready());

        // Then every file is ready once, with its own size and inode, and the folder's file too
        assertThat(ready).hasSize(1_501).extracting(InboxScanner.Ready::file).doesNotHaveDuplicates().contains(nested);
        for (InboxScanner.Ready each : ready) {
            assertThat(each.size()).as(each.rest()).isEqualTo(Files.size(each.file()));
            assertThat(each.seen().inode()).as(each.rest())
                    .isEqualTo(((Number) Files.getAttribute(each.file(), "unix:ino")).longValue());
        }
    }

    @Test
    void lookAhead_firstScanFindsWhatAPlainScanFinds() throws Exception {
        // Given files last written a minute ago, in two algorithms' folders and one nested folder
        for (String name : List.of("copy/a.txt", "copy/deep/b.txt", "count/c.txt", "count/.hidden")) {
            Path file = write(name, name);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        }
        InboxScanner plain = new InboxScanner(inbox, Duration.ofSeconds(1));
        InboxScanner ahead = new InboxScanner(inbox, Duration.ofSeconds(1));

        // When one scanner's first look starts ahead, on its own thread
        ahead.lookAhead();
        InboxScanner.Scan early = ahead.scan();
        InboxScanner.Scan usual = plain.scan();

        // Then its first scan is the same: the same files ready, with the sizes and states the look read
        assertThat(early.ready()).hasSize(3).isEqualTo(usual.ready());
        assertThat(early.ready()).allSatisfy(ready -> assertThat(ready.seen()).isNotNull());
        assertThat(ahead.scan().ready()).isEmpty();
    }

    @Test
    void lookAhead_fileWrittenAfterItStarted_isTakenOnceByALaterScan() throws Exception {
        Path before = write("copy/before.txt", "1");
        Files.setLastModifiedTime(before, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        InboxScanner scanner = new InboxScanner(inbox, Duration.ofSeconds(1));

        scanner.lookAhead();
        // The look may or may not have listed the folder yet: either way the file is taken once.
        Path after = write("copy/after.txt", "2");
        Files.setLastModifiedTime(after, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        List<Path> taken = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            scanner.scan().ready().forEach(ready -> taken.add(ready.file()));
            Thread.sleep(1_100); // past the folder's racy second: it is listed again
        }

        assertThat(taken).containsExactlyInAnyOrder(before, after);
    }

    Path write(String relative, String content) throws Exception {
        Path file = inbox.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }
}
