#!/usr/bin/env python3
"""Types `afc ren<TAB>` into a real interactive bash on a pseudo-terminal, with the completion
script of `afc completions bash` loaded, and checks that readline completed it to
`afc render `. Usage: bash_completion.py AFC_BINARY

The completed line is not run: after the TAB, Ctrl-A goes to the start of the line and
`echo COMPLETED:` is typed in front of it, so bash prints what the line had become.
"""

import os
import pty
import select
import subprocess
import sys
import tempfile
import time


def read_until(fd, needle, timeout):
    """Reads from fd until needle appears or timeout seconds pass; returns all read."""
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def main():
    afc = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "afc.bash")
        with open(script, "wb") as f:
            f.write(subprocess.run([afc, "completions", "bash"], check=True, capture_output=True).stdout)
        rc = os.path.join(tmp, "bashrc")
        with open(rc, "w") as f:
            f.write(f'PS1="READY> "\nPATH="{os.path.dirname(afc)}:$PATH"\nsource "{script}"\n')

        pid, fd = pty.fork()
        if pid == 0:
            env = {"HOME": tmp, "TERM": "dumb", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
            os.execvpe("bash", ["bash", "--noprofile", "--rcfile", rc, "-i"], env)
        try:
            if b"READY> " not in read_until(fd, b"READY> ", 20):
                sys.exit("bash did not start")
            os.write(fd, b"afc ren\t")
            time.sleep(1.0)
            os.write(fd, b"\x01echo COMPLETED: \r")
            # The typed line itself echoes "echo COMPLETED: afc render"; what bash prints starts
            # a line of its own, so wait for the needle after a line break.
            out = read_until(fd, b"\nCOMPLETED: afc", 20).decode(errors="replace")
            out += read_until(fd, b"READY> ", 5).decode(errors="replace")
            os.write(fd, b"exit\r")
        finally:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    printed = [l.strip() for l in out.splitlines() if l.strip().startswith("COMPLETED: ")]
    if "COMPLETED: afc render" not in printed:
        sys.exit(f"TAB did not complete `afc ren` to `afc render`; the terminal showed:\n{out}")
    print("bash completion: `afc ren<TAB>` became `afc render `")


if __name__ == "__main__":
    main()
