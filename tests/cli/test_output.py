# SPDX-License-Identifier: MIT
"""-o never destroys anything the user did not name as the output (SPEC section 5).

Devices, FIFOs and descriptors are written in place; a symbolic link stays a link; an
existing file keeps its mode, a new one gets the umask's; an output that is an input is a
usage error before anything is read; a signal during the run leaves the old file byte for
byte and no temporary file, and says so; a folder where no file can be made is a clear error.
"""

import os
import signal
import stat
import subprocess
import threading
import time

from clitest import check, copy_data, main, ok, run, setup, tempdir

OLD = b"old contents, not to be lost\n" * 1000


def write(path, data=OLD, mode=None):
    with open(path, "wb") as f:
        f.write(data)
    if mode is not None:
        os.chmod(path, mode)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def listing(folder):
    return sorted(os.listdir(folder))


def devices(tool, tmp, want):
    # /dev/null stays the device it is
    run(tool, ["-f", "csv", "-o", "/dev/null", "data/2019.csv"], cwd=tmp).expect_ok()
    st = os.stat("/dev/null")
    check(stat.S_ISCHR(st.st_mode), "-o /dev/null: /dev/null is no longer a character device")
    # a private character device (the null device, 1:3), made where the machine allows it
    dev = os.path.join(tmp, "null")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        ok("mknod not permitted here: the private device case is skipped")
    else:
        run(tool, ["-f", "csv", "-o", dev, "data/2019.csv"], cwd=tmp).expect_ok()
        check(stat.S_ISCHR(os.stat(dev).st_mode), "-o DEVICE: the device became a plain file")
        os.unlink(dev)
        ok("-o to a private character device writes into it and leaves it a device")
    # /dev/stdout writes through the descriptor: to a pipe, and appending to a file
    r = run(tool, ["-f", "csv", "-o", "/dev/stdout", "data/2019.csv"], cwd=tmp).expect_ok()
    check(r.out == want, "-o /dev/stdout: standard output differs from the plain run")
    appended = os.path.join(tmp, "appended.csv")
    write(appended, b"first line\n")
    with open(appended, "ab") as f:
        p = subprocess.run([tool, "-f", "csv", "-o", "/dev/stdout", "data/2019.csv"], cwd=tmp,
                           stdout=f, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"-o /dev/stdout >> FILE: status {p.returncode}")
    check(read(appended) == b"first line\n" + want,
          "-o /dev/stdout >> FILE: the output did not go after the file's first line")
    os.unlink(appended)
    ok("-o /dev/null, /dev/stdout (to a pipe and appended to a file) write in place")


def fifo(tool, tmp, want):
    path = os.path.join(tmp, "pipe")
    os.mkfifo(path)
    got = []
    reader = threading.Thread(target=lambda: got.append(read(path)))
    reader.start()
    r = run(tool, ["-f", "csv", "-o", path, "data/2019.csv"], cwd=tmp, timeout=60)
    reader.join(60)
    r.expect_ok()
    check(got and got[0] == want, "-o FIFO: the reader did not get the whole output")
    check(stat.S_ISFIFO(os.stat(path).st_mode), "-o FIFO: the FIFO was replaced")
    os.unlink(path)
    ok("-o to a FIFO with a reader: the reader gets the output, the FIFO stays")


def links(tool, tmp, want):
    os.mkdir(os.path.join(tmp, "real"))
    target = os.path.join(tmp, "real", "target.csv")
    write(target, mode=0o640)
    os.symlink("real/target.csv", os.path.join(tmp, "link.csv"))
    os.symlink("link.csv", os.path.join(tmp, "link2.csv"))  # a link to a link
    run(tool, ["-f", "csv", "-o", "link2.csv", "data/2019.csv"], cwd=tmp).expect_ok()
    for name in ("link.csv", "link2.csv"):
        check(os.path.islink(os.path.join(tmp, name)), f"-o through links: {name} is no link")
    check(read(target) == want, "-o LINK: the file the link leads to was not replaced")
    check(stat.S_IMODE(os.stat(target).st_mode) == 0o640,
          "-o LINK: the file the link leads to lost its mode 640")
    check(listing(os.path.join(tmp, "real")) == ["target.csv"],
          f"-o LINK: left {listing(os.path.join(tmp, 'real'))} beside the target")
    # a dangling link names the file to make
    os.symlink("real/new.csv", os.path.join(tmp, "dangling.csv"))
    run(tool, ["-f", "csv", "-o", "dangling.csv", "data/2019.csv"], cwd=tmp).expect_ok()
    check(os.path.islink(os.path.join(tmp, "dangling.csv")), "-o DANGLING: no longer a link")
    check(read(os.path.join(tmp, "real", "new.csv")) == want, "-o DANGLING: target not made")
    ok("-o through a symbolic link (and a link to a link) replaces the target, links stay")


def modes(tool, tmp, want):
    path = os.path.join(tmp, "secret.csv")
    write(path, mode=0o600)
    run(tool, ["-f", "csv", "-o", "secret.csv", "data/2019.csv"], cwd=tmp).expect_ok()
    check(read(path) == want, "-o mode-600 file: not replaced")
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o600,
          f"-o mode-600 file: mode is now {oct(stat.S_IMODE(os.stat(path).st_mode))}")
    # umask 077: a new file is private
    p = subprocess.run([tool, "-f", "csv", "-o", "private.csv", "data/2019.csv"], cwd=tmp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=lambda: os.umask(0o077))
    check(p.returncode == 0, f"umask 077: status {p.returncode}")
    mode = stat.S_IMODE(os.stat(os.path.join(tmp, "private.csv")).st_mode)
    check(mode == 0o600, f"umask 077: new file has mode {oct(mode)}, expected 0o600")
    p = subprocess.run([tool, "-f", "csv", "-o", "shared.csv", "data/2019.csv"], cwd=tmp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       preexec_fn=lambda: os.umask(0o002))
    mode = stat.S_IMODE(os.stat(os.path.join(tmp, "shared.csv")).st_mode)
    check(mode == 0o664, f"umask 002: new file has mode {oct(mode)}, expected 0o664")
    ok("-o keeps an existing file's mode 600; a new file gets 666 less the umask (077, 002)")


def inputs(tool, tmp):
    data = os.path.join(tmp, "data")
    before = {n: read(os.path.join(data, n)) for n in listing(data)}
    os.symlink("data/2016.csv", os.path.join(tmp, "alias.csv"))
    cases = [
        (["data/2019.csv"], "data/2019.csv", "the data file itself"),
        (["data/2019.csv"], "data/2014.csv", "a sibling"),
        (["data/2019.csv"], "data/pingan.ini", "the model beside the data"),
        (["-c", "data/pingan.ini", "data/2019.csv"], "data/pingan.ini", "the model given"),
        (["data/2019.csv"], "alias.csv", "a link to a sibling"),
        (["data/2018.csv", "data/2019.csv"], "data/2018.csv", "one of two files given"),
    ]
    for args, out, what in cases:
        r = run(tool, ["-f", "csv", "-o", out] + args, cwd=tmp)
        lines = r.stderr.strip().splitlines()
        check(r.rc == 2 and len(lines) == 1 and "an input of this run" in lines[0],
              f"-o {out} ({what}): status {r.rc}, stderr {lines}; expected 2 and one line "
              "saying it is an input")
    after = {n: read(os.path.join(data, n)) for n in listing(data)}
    check(after == before, "-o INPUT: an input changed")
    check("alias.csv" in listing(tmp) and os.path.islink(os.path.join(tmp, "alias.csv")),
          "-o INPUT: the link was touched")
    ok(f"-o naming an input ({len(cases)} ways) is a usage error, every input unchanged")


def folders(tool, tmp):
    r = run(tool, ["-f", "csv", "-o", "data", "data/2019.csv"], cwd=tmp)
    check(r.rc == 2 and "is a directory" in r.stderr, f"-o FOLDER: {r.rc} {r.stderr!r}")
    r = run(tool, ["-f", "csv", "-o", "nowhere/x.csv", "data/2019.csv"], cwd=tmp)
    check(r.rc == 1 and "nowhere/x.csv: cannot make a file in 'nowhere/'" in r.stderr
          and len(r.stderr.splitlines()) == 1, f"-o MISSING/x.csv: {r.rc} {r.stderr!r}")
    if os.geteuid() != 0:
        ok("not root: the unprivileged case below runs as this user instead")
    # as an unprivileged user, a folder it may not write to: a clear error, the file kept
    locked = os.path.join(tmp, "locked")
    os.mkdir(locked)
    write(os.path.join(locked, "out.csv"), mode=0o666)
    os.chmod(locked, 0o755)
    os.chmod(tmp, 0o755)
    os.chmod(os.path.join(tmp, "data"), 0o755)

    def nobody():
        if os.geteuid() == 0:
            os.setgid(65534)
            os.setuid(65534)
    r = subprocess.run([tool, "-f", "csv", "-o", "locked/out.csv", "data/2019.csv"], cwd=tmp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=nobody)
    err = r.stderr.decode("utf-8", "replace")
    if os.geteuid() != 0 and r.returncode == 0:
        ok("this user may write to any folder: the locked-folder case is skipped")
        return
    check(r.returncode == 1 and "cannot make a file in 'locked/': Permission denied" in err
          and "renamed over it" in err and len(err.splitlines()) == 1,
          f"-o in a folder without write permission: {r.returncode} {err!r}")
    check(read(os.path.join(locked, "out.csv")) == OLD, "locked folder: the old file changed")
    check(listing(locked) == ["out.csv"], f"locked folder: left {listing(locked)}")
    ok("-o FOLDER is a usage error; a missing or locked folder (as user nobody) is one clear "
       "message, exit 1, the old file kept")


def wait_reading_stdin(pid, timeout=30):
    """Until a thread of pid waits in read(0, ...): its signal handlers are in place by then
    (a fixed pause was too short on a loaded machine under the sanitizers)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                    fields = f.read().split()
                if len(fields) > 1 and fields[0] == "0" and int(fields[1], 16) == 0:
                    return
        except PermissionError:  # no access to /proc/PID/syscall: a generous pause instead
            time.sleep(2)
            return
        except OSError:
            pass
        time.sleep(0.005)
    check(False, "the command never waited to read its standard input")


def interrupted_read(tool, tmp, sig):
    """A signal while the data is still being read (standard input kept open)."""
    out = os.path.join(tmp, "kept.csv")
    write(out)
    p = subprocess.Popen([tool, "-f", "csv", "-o", "kept.csv", "-"], cwd=tmp,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(open(os.path.join(tmp, "data", "2019.csv"), "rb").read()[:200])
    p.stdin.flush()
    wait_reading_stdin(p.pid)
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    name = signal.Signals(sig).name
    lines = err.decode("utf-8", "replace").splitlines()
    check(p.returncode == -sig, f"{name} while reading: status {p.returncode}, expected death "
                                f"by {name} (-{int(sig)})")
    check(lines == [f"pingan-index: stopped by {name}; kept.csv is left as it was"],
          f"{name} while reading: stderr {lines}")
    check(read(out) == OLD, f"{name} while reading: the old file changed")


def big_panel(tmp):
    """A panel whose CSV output takes a while to write: 60,000 units, two years."""
    folder = os.path.join(tmp, "big")
    os.mkdir(folder)
    with open(os.path.join(folder, "pingan.ini"), "w", encoding="utf-8") as f:
        f.write("[index]\ncode = big\ndenominate = no\n"
                + "".join(f"[indicator x{i}]\nparent = big\n" for i in range(8)))
    for year in (2018, 2019):
        with open(os.path.join(folder, f"{year}.csv"), "w", encoding="utf-8") as f:
            f.write("unit," + ",".join(f"x{i}" for i in range(8)) + "\n")
            for u in range(60000):
                f.write(f"u{u}," + ",".join(str((u * 7 + i * 13 + year) % 101)
                                            for i in range(8)) + "\n")
    return folder


def interrupted_write(tool, folder, sig):
    """A signal while the output is being written: caught once its temporary file exists."""
    out = os.path.join(folder, "out.csv")
    write(out)
    names = set(listing(folder))
    for attempt in range(20):
        p = subprocess.Popen([tool, "-f", "csv", "-o", "out.csv", "2019.csv"], cwd=folder,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        caught = False
        while p.poll() is None:
            if set(listing(folder)) - names:  # the temporary file is there: writing
                p.send_signal(sig)
                caught = True
                break
            time.sleep(0.0005)
        _, err = p.communicate(timeout=60)
        if caught and p.returncode == -sig:
            break
        write(out)  # it finished first: try again
    else:
        check(False, f"could not signal a run while it wrote its output in 20 tries")
    name = signal.Signals(sig).name
    lines = err.decode("utf-8", "replace").splitlines()
    check(lines == [f"pingan-index: stopped by {name}; out.csv is left as it was"],
          f"{name} while writing: stderr {lines}")
    check(read(out) == OLD, f"{name} while writing: the old file changed")
    check(set(listing(folder)) == names, f"{name} while writing: left "
                                         f"{sorted(set(listing(folder)) - names)}")


def body():
    tool, root = setup()
    with tempdir() as tmp:
        copy_data(root, os.path.join(tmp, "data"))
        want = run(tool, ["-f", "csv", "data/2019.csv"], cwd=tmp).expect_ok().out
        devices(tool, tmp, want)
        fifo(tool, tmp, want)
        links(tool, tmp, want)
        modes(tool, tmp, want)
        inputs(tool, tmp)
        folders(tool, tmp)
        for sig in (signal.SIGINT, signal.SIGTERM):
            interrupted_read(tool, tmp, sig)
        ok("SIGINT and SIGTERM while reading: one message, death by the signal, file kept")
        folder = big_panel(tmp)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            interrupted_write(tool, folder, sig)
        ok("SIGINT, SIGTERM and SIGHUP while writing: the temporary file removed, the old "
           "file byte for byte, one message")


main(body)
