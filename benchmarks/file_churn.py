"""The file operations of local-mode jobs alone, one job after another: `python3 benchmarks/file_churn.py DIR JOBS MODE`.

No JVM, no process started: what creating and freeing a job's files costs on the file system DIR lies on (on ext4
without a journal, a creation scans past the inodes freed in the last one to six minutes; docs/design/decisions.md,
fifth pass). MODE:
  now      the pattern of 4668c6b: a record written five times (each a file moved over the last), the attempt's
           folders .work/<job>/attempt-1/{input,output} with the staged input, removed at the end, the log in
           logs/<job>/1/, the output folder moved to outputs/<algorithm>/<input>/<job>;
  slots    one record write fewer, and the attempt working in one reused folder: its staged input renamed and
           rewritten in place, its output folder moved out as before;
  recycle  slots, and each record replaced without freeing the old file's inode (kept as the next write's file).
DIR is emptied first. Prints the wall time.
"""
import os, shutil, sys, time

d, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode not in ("now", "slots", "recycle"):
    sys.exit(f"unknown mode {mode!r} (have: now, slots, recycle)")
shutil.rmtree(d, ignore_errors=True)
for sub in ("jobs", ".work", "logs", "outputs/tiny"):
    os.makedirs(os.path.join(d, sub))
record = "x" * 500


def write_record(i, create):
    path = os.path.join(d, "jobs", f"job-{i}.json")
    if mode == "recycle":
        spare, old = os.path.join(d, "jobs", ".spare"), os.path.join(d, "jobs", ".old")
        with open(spare, "w") as f:
            f.write(record)
        if not create:
            os.link(path, old)
        os.rename(spare, path)
        if not create:
            os.rename(old, spare)
        return
    temporary = os.path.join(d, "jobs", f".job-{i}.json.tmp")
    with open(temporary, "w") as f:
        f.write(record)
    os.rename(temporary, path)


started = time.time()
staged = None
for i in range(n):
    for w in range(5 if mode == "now" else 4):
        write_record(i, w == 0)
    if mode == "now":
        attempt = os.path.join(d, ".work", f"job-{i}", "attempt-1")
        os.makedirs(os.path.join(attempt, "input"))
        os.makedirs(os.path.join(attempt, "output"))
        with open(os.path.join(attempt, "input", f"{i}.txt"), "w") as f:
            f.write("line\n")
    else:
        attempt = os.path.join(d, ".work", "slot-1")
        os.makedirs(os.path.join(attempt, "input"), exist_ok=True)
        os.makedirs(os.path.join(attempt, "output"))
        name = os.path.join(attempt, "input", f"{i}.txt")
        if staged:
            os.rename(staged, name)
        with open(name, "w") as f:
            f.write("line\n")
        staged = name
    os.makedirs(os.path.join(d, "logs", f"job-{i}", "1"))
    with open(os.path.join(d, "logs", f"job-{i}", "1", "algorithm.log"), "w") as f:
        f.write("1\n")
    os.makedirs(os.path.join(d, "outputs", "tiny", f"{i}.txt"))
    os.rename(os.path.join(attempt, "output"), os.path.join(d, "outputs", "tiny", f"{i}.txt", f"job-{i}"))
    if mode == "now":
        shutil.rmtree(os.path.join(d, ".work", f"job-{i}"))
print(f"{mode}: {n} jobs' files in {time.time() - started:.2f} s")
