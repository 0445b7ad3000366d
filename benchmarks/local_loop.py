"""The local loop against xargs -P, whole processes timed from outside: `benchmarks/run local-loop [RUNS] [SIZES]`.

For 500 and 5,000 tiny jobs (`wc -l` of a one-line file): `./conveyor local --once` as a person runs it
(the launcher, the default 1 s stability window) against `xargs -P N` running the same command over
the same files with the same parallelism (N = the local mode's --cpus, one vCPU per job), runs
interleaved, medians and their ratio; the time from launch to the first job's start (its record's
startedAt); the same runs on a pseudo-terminal, as a person runs them in one (the live line drawn); the floor under
those numbers: the same command over the same files started by the JDK alone
(SpawnFloor: ProcessBuilder, N at a time, the outputs drained, with the launcher's JVM flags for the local mode and no
job, record, copy or log), so that a run's time less the floor's is Conveyor's own; with strace, system calls per
job at 500 and at 5,000 (strace -f -c, every process of the run); then a rerun with nothing to do over 50,000
finished records: wall time and peak RSS. SIZES (default 500,5000) are the inbox sizes.
Usage: local_loop.py HOME JAVA CLASSPATH [RUNS] [SIZES] [BEFORE]; HOME may be another checkout's (its ./conveyor is
timed) to measure an earlier commit with the same harness; BEFORE, a built checkout of an earlier commit, is timed
too, interleaved with HOME in the same runs (rows "before" and "after").

Each run writes into an outbox of its own, and none is deleted before the end: on ext4 without a journal (this
machine's root file system), every file or folder created scans past the inodes freed in the last one to six minutes,
so removing one run's outbox (tens of thousands of files at 5,000 jobs) would slow the next runs' creations and charge
the harness's clean-up to Conveyor (docs/design/decisions.md, fifth pass).
"""
import json, os, pty, re, shlex, shutil, statistics, subprocess, sys, tempfile, time
from datetime import datetime

home, java, classpath = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
sizes = [int(n) for n in (sys.argv[5] if len(sys.argv) > 5 else "500,5000").split(",")]
homes = {"after": home}
if len(sys.argv) > 6 and sys.argv[6]:
    homes = {"before": sys.argv[6], "after": home}
slots = 2
rerun_records = 50000
descriptor = json.dumps({"name": "tiny", "image": "busybox:1.36", "retries": 0,
                         "command": ["wc", "-l", "${CONVEYOR_INPUT}"], "resources": {"vcpu": 1, "memoryMiB": 128}})
work = tempfile.mkdtemp(prefix="conveyor-local-loop-")


def workspace(n):
    d = os.path.join(work, f"w{n}")
    os.makedirs(os.path.join(d, "algorithms"))
    os.makedirs(os.path.join(d, "inbox", "tiny"))
    with open(os.path.join(d, "algorithms", "tiny.json"), "w") as f:
        f.write(descriptor)
    files = []
    for i in range(1, n + 1):
        path = os.path.join(d, "inbox", "tiny", f"{i}.txt")
        with open(path, "w") as f:
            f.write(f"line {i}\n")
        files.append(path)
    return d, files


def launcher_flags():
    """The JVM flags ./conveyor starts the local mode with, as its launcher writes them (defaults filled in)."""
    with open(os.path.join(home, "conveyor")) as f:
        line = re.search(r"^\s*local\) flags=\((.*)\) ;;$", f.read(), re.M).group(1)
    return [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", flag) for flag in shlex.split(line)]


def fresh_outbox(d):
    """A new outbox beside the inbox: earlier ones stay until the end (see above)."""
    return tempfile.mkdtemp(prefix="outbox-", dir=d)


def conveyor(d, prefix=(), at=home, outbox=None):
    return list(prefix) + [os.path.join(at, "conveyor"), "local", "--once", "--cpus", str(slots),
                           "--inbox", os.path.join(d, "inbox"), "--outbox", outbox or os.path.join(d, "outbox"),
                           "--algorithms", os.path.join(d, "algorithms")]


def timed_on_terminal(argv):
    """Wall seconds and exit status of one whole process run on a pseudo-terminal, as a person runs it in one (its
    live line drawn), whose output is read as fast as it comes."""
    start = time.time()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:  # the terminal's last process has gone
            break
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return time.time() - start, os.waitstatus_to_exitcode(status)


def timed(argv, stdin=None):
    """Wall seconds, peak RSS (MiB) and exit status of one whole process."""
    start = time.time()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    if stdin:
        p.stdin.write(stdin)
        p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.time() - start, usage.ru_maxrss / 1024, p.returncode, start


def first_start(outbox):
    jobs = os.path.join(outbox, "jobs")
    started, succeeded = [], 0
    for name in os.listdir(jobs):
        if name.endswith(".json") and not name.startswith("."):
            with open(os.path.join(jobs, name)) as f:
                record = json.load(f)
            succeeded += record["state"] == "SUCCEEDED"
            if record.get("startedAt"):
                started.append(datetime.fromisoformat(record["startedAt"].replace("Z", "+00:00")).timestamp())
    return min(started), succeeded


def syscalls(d, n):
    out = os.path.join(work, f"strace-{n}.txt")
    subprocess.run(["strace", "-f", "-c", "-o", out] + conveyor(d, outbox=fresh_outbox(d)), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    with open(out) as f:
        total = [line for line in f if re.search(r"\btotal\s*$", line)][0].split()
    return int(total[3]) / n  # % time, seconds, usecs/call, calls[, errors], total


warm = workspace(1)[0]
for at in homes.values():
    subprocess.run(conveyor(warm, at=at, outbox=fresh_outbox(warm)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # builds, warms
filesystem = subprocess.run(["findmnt", "-no", "FSTYPE", "-T", work], capture_output=True, text=True).stdout.strip()
print(f"Local loop vs xargs -P{slots}, tiny jobs (wc -l), {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f},"
      f" work folder on {filesystem or 'an unknown file system'}; medians of {runs} interleaved runs, whole processes")
floor_argv = ([java] + launcher_flags()
              + ["-cp", classpath, "io.conveyor.benchmarks.SpawnFloor", str(slots), "wc", "-l"])
print(f"{'':>6} {'jobs':>6} {'conveyor':>9} {'xargs':>7} {'ratio':>6} {'over 2x xargs':>14} {'first start':>12} {'peak RSS':>9}"
      f" {'JDK spawn':>10} {'conveyor less it':>17}")
spaces = {}
for n in sizes:
    d, files = workspace(n)
    spaces[n] = d
    listing = b"\0".join(f.encode() for f in files)
    ours, theirs, floors, firsts, rss = ({v: [] for v in homes} for _ in range(5))
    for _ in range(runs):
        for v, at in homes.items():
            outbox = fresh_outbox(d)
            wall, peak, code, launched = timed(conveyor(d, at=at, outbox=outbox))
            first, succeeded = first_start(outbox)
            if code != 0 or succeeded != n:
                sys.exit(f"conveyor local ({v}) exited {code} with {succeeded} of {n} jobs succeeded")
            ours[v].append(wall), firsts[v].append(first - launched), rss[v].append(peak)
            wall, _, code, _ = timed(["xargs", "-0", f"-P{slots}", "-n1", "wc", "-l"], stdin=listing)
            theirs[v].append(wall)
            wall, _, code, _ = timed(floor_argv, stdin=listing)
            if code != 0:
                sys.exit(f"SpawnFloor exited {code}")
            floors[v].append(wall)
    for v in homes:
        a, b, c = statistics.median(ours[v]), statistics.median(theirs[v]), statistics.median(floors[v])
        print(f"{v:>6} {n:>6} {a:8.2f}s {b:6.2f}s {a / b:6.2f} {a - 2 * b:13.2f}s {statistics.median(firsts[v]):11.2f}s"
              f" {statistics.median(rss[v]):7.0f}MB {c:9.2f}s {a - c:16.2f}s")
    b, c = statistics.median(sum(theirs.values(), [])), statistics.median(sum(floors.values(), []))
    print(f"{'':>6} {n:>6} the goal (2 x xargs + 2.5 s) less the JDK's spawn leaves Conveyor {2 * b + 2.5 - c:.2f}s"
          f" ({(2 * b + 2.5 - c) / n * 1000:.2f} ms a job)")
terminal = {(v, n): [] for v in homes for n in sizes}
for _ in range(runs):
    for n in sizes:
        for v, at in homes.items():
            wall, code = timed_on_terminal(conveyor(spaces[n], at=at, outbox=fresh_outbox(spaces[n])))
            if code != 0:
                sys.exit(f"conveyor local ({v}) on a terminal exited {code}")
            terminal[v, n].append(wall)
for v in homes:
    print(f"{v:>6} on a terminal (a pseudo-terminal, its output read as it comes), medians of {runs}: "
          + ", ".join(f"{statistics.median(terminal[v, n]):.2f}s at {n:,}" for n in sizes))
if shutil.which("strace"):
    per = {n: syscalls(spaces[n], n) for n in sizes}
    print("system calls per job (strace -f -c, every process of the run): "
          + ", ".join(f"{per[n]:.0f} at {n:,}" for n in sizes)
          + (f" (ratio {per[sizes[-1]] / per[sizes[0]]:.2f})" if len(sizes) > 1 else ""))
else:
    print("system calls per job: strace is not installed (apt-get install strace)")
d = os.path.join(work, "rerun")
subprocess.run([java, "-cp", classpath, "io.conveyor.benchmarks.LocalRerunFixture", d, str(rerun_records), descriptor],
               check=True)
walls, peaks = {v: [] for v in homes}, {v: [] for v in homes}
for at in homes.values():
    # What the first reruns write: the first clears the change journal the fixture's writes left (so the records folder
    # changes then), the second finds the folder settled and writes the index of its records' briefs.
    for _ in range(2):
        subprocess.run(conveyor(d, at=at), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.1)
for _ in range(runs):
    for v, at in homes.items():
        wall, peak, code, _ = timed(conveyor(d, at=at))
        if code != 0:
            sys.exit(f"the rerun ({v}) exited {code}")
        walls[v].append(wall), peaks[v].append(peak)
for v in homes:
    print(f"{v:>6} rerun with nothing to do over {rerun_records:,} records: {statistics.median(walls[v]):.2f}s,"
          f" peak RSS {statistics.median(peaks[v]):.0f} MB")
shutil.rmtree(work)
