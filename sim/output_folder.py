"""Output folders that never mix two runs: staged, locked, swapped into place whole.

A run writes its files into a hidden staging folder beside the target
(``.<name>.staging-<random>``) and, when every file is written, swaps it into place with
two renames; until then the target keeps the previous run's files. So a folder's files
always come from one run: two runs into one ``--out``, or a run killed between its data
and its report, never leave a mix.

While a run works it holds a lock (``fcntl.flock``) on the marker file ``.hedgesim`` in the
target; a second run into the same folder is refused at once. The marker also says the
folder is hedgesim's: an existing folder without it is replaced only if it holds nothing but
other output folders, so ``--out ~`` cannot wipe a home folder.

Kept across runs: ``chunks/`` (a sweep's finished chunks, keyed by scenario and design, so
an interrupted sweep resumes) and sub-folders that are output folders themselves (the
default sweep folder ``runs/<name>/sweep/`` inside the run folder ``runs/<name>/``).

Every operating-system error (a file where the folder should be, no permission, a read-only
or full disk) becomes one :class:`~sim.errors.OutputError` line; the target is left as it
was and the staging folder is removed.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sim.errors import OutputError

#: The marker (and lock) file of an output folder.
MARKER = ".hedgesim"
MARKER_TEXT = (
    "This folder was written by hedgesim. Each run replaces its files as a whole;\n"
    "files you add here are removed by the next run.\n"
)
#: The sub-folder of resumable sweep chunks, kept across runs.
CHUNKS = "chunks"

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, the rest holds
    fcntl = None  # type: ignore[assignment]


def os_problem(exc: OSError) -> str:
    """An operating-system error in words: ``permission denied``, ``no space left on
    device``, ..."""
    known = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a file is in the way (not a folder)",
        errno.EEXIST: "already exists",
        errno.ELOOP: "a symbolic link loop",
        errno.ENAMETOOLONG: "file name too long",
    }
    if exc.errno in known:
        return known[exc.errno]
    return (exc.strerror or str(exc)).lower()


@dataclass
class Staging:
    """Where a run writes: ``path`` (the staging folder, products go here) and ``target``
    (the final folder; ``target / "chunks"`` holds resumable chunks)."""

    target: Path
    path: Path

    def final(self, written: Path) -> Path:
        """Where ``written`` (a path inside the staging folder) ends up."""
        return self.target / written.relative_to(self.path)


def _check_target(target: Path) -> None:
    """Refuse a target that is a file, lies below a file, or is a folder hedgesim did not
    write (non-empty without the marker)."""
    for parent in (target, *target.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            if parent == target:
                raise OutputError(target, "is a file, not a folder")
            raise OutputError(target, f"{parent} is a file, not a folder")
    if target.is_dir():
        entries = [e.name for e in os.scandir(target)]
        foreign = sorted(set(entries) - {MARKER} - set(_kept(target)))
        if foreign and MARKER not in entries:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(
                target,
                f"the folder holds files hedgesim did not write ({shown}); a run replaces "
                "its output folder whole, so choose a new or empty folder",
            )


def _lock(target: Path) -> IO[str]:
    """Create ``target`` and its marker if needed and lock the marker; refuse if another
    run holds it."""
    target.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(target / MARKER, "a+", encoding="utf-8")  # noqa: SIM115 - held open
        if fcntl is None:  # pragma: no cover
            return handle
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise OutputError(
                target, "another hedgesim run is writing into this folder; wait for it to "
                "finish or choose another --out"
            ) from None
        # The folder may have been swapped while we waited: lock the marker in place now.
        try:
            same = os.stat(target / MARKER).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            if os.fstat(handle.fileno()).st_size == 0:
                handle.write(MARKER_TEXT)
                handle.flush()
            return handle
        handle.close()


def _leftovers(target: Path) -> list[Path]:
    """Staging and swapped-out folders a killed run left beside ``target``."""
    prefix = f".{target.name}."
    return [
        p
        for p in target.parent.iterdir()
        if p.name.startswith(prefix) and (".staging-" in p.name or ".old-" in p.name)
    ]


def _kept(target: Path) -> list[str]:
    """Entries of ``target`` carried into the next run: chunks and nested output folders."""
    if not target.is_dir():
        return []
    return sorted(
        e.name
        for e in os.scandir(target)
        if e.is_dir(follow_symlinks=False)
        and (e.name == CHUNKS or os.path.isfile(os.path.join(e.path, MARKER)))
    )


def _swap(staging: Path, target: Path) -> None:
    """Move the kept entries into ``staging`` (unless the run wrote a new one of the same
    name: ``compare`` reruns its scenarios' folders), then put ``staging`` in ``target``'s
    place."""
    for name in _kept(target):
        if not (staging / name).exists():
            os.replace(target / name, staging / name)
    old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
    os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def output_folder(target: str | os.PathLike[str]) -> Iterator[Staging]:
    """Lock ``target``, yield a :class:`Staging` to write into, and on a clean exit put the
    staged files in ``target``'s place, whole.

    Raises
    ------
    OutputError
        Before anything is written if ``target`` is (or lies below) a file, is a folder
        hedgesim did not write, cannot be written, or another run holds it; during the run
        for any operating-system error (disk full, ...), leaving ``target`` as it was.
    """
    target = Path(target)
    try:
        target = target.absolute()
        _check_target(target)
        created = not target.exists()
        handle = _lock(target)
    except OSError as exc:
        raise OutputError(target, os_problem(exc)) from None
    staging: Path | None = None
    try:
        for stale in _leftovers(target):
            shutil.rmtree(stale, ignore_errors=True)
        staging = target.parent / f".{target.name}.staging-{secrets.token_hex(4)}"
        staging.mkdir()
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        yield Staging(target, staging)
        _swap(staging, target)
        staging = None
    except OSError as exc:
        where = Path(exc.filename) if isinstance(exc.filename, str) else target
        if staging is not None and where.is_relative_to(staging):
            where = target / where.relative_to(staging)
        raise OutputError(where, os_problem(exc)) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            if created and [e.name for e in os.scandir(target)] == [MARKER]:
                shutil.rmtree(target, ignore_errors=True)  # a failed first run leaves nothing
        handle.close()
