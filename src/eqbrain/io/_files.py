"""Checkpoint files and folders on disk: paths, atomic replacement, and the clean-up of
temporary files that killed saves left behind.

Every save writes a temporary file (or folder) beside its target, named
`.<name>.<pid>.<random>.eqbrain-tmp`, and holds an exclusive `flock` on it until the
temporary has been renamed over the target or removed. The kernel drops that lock when
the process dies, however it dies, so a temporary whose lock can be taken belongs to no
live save: the next save to the folder removes it. A temporary whose lock is held is
left alone.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, so no clean-up either
    fcntl = None

__all__ = [
    "CheckpointError",
    "checked_path",
    "open_file",
    "kind_of",
    "refuse_special",
    "replace_file",
    "write_failed",
    "sweep",
    "staging_folder",
    "swap_in",
]

SUFFIX = ".eqbrain-tmp"
_TEMP = re.compile(r"^\..*\.\d+\.[0-9a-f]{12}\.eqbrain-tmp$", re.DOTALL)
_LIVE: set[str] = set()  # temporaries this process holds now (locks may be per process)
TARGET_FILE = "TARGET"  # inside a staging folder: the name of the folder it replaces
OLD = "old"  # inside a staging folder: the checkpoint it moved aside (no RENAME_EXCHANGE)


class CheckpointError(ValueError):
    """A checkpoint cannot be read or written as asked: a truncated, corrupted, foreign
    or hostile file (or folder), a checksum that does not match, or a malformed path.

    The message names the file, and the key where there is one; nothing has been loaded
    (or, for a save, nothing has been replaced).
    """


def checked_path(path: Any, what: str = "checkpoint") -> str:
    """`path` (str, bytes or os.PathLike) as a str; CheckpointError if it is empty.

    Bytes are decoded as the OS does (`os.fsdecode`), so any file name round-trips.
    """
    try:
        raw = os.fspath(path)
    except TypeError:
        raise TypeError(
            f"A {what} path must be a str, bytes or os.PathLike object; got "
            f"{type(path).__name__} {path!r}."
        ) from None
    p = os.fsdecode(raw)
    if not p:
        raise CheckpointError(
            f"The {what} path is empty: pass the file to write or read, such as 'net.safetensors'."
        )
    if "\0" in p:
        raise CheckpointError(f"The {what} path {p!r} contains a NUL character.")
    return p


def open_file(path: str, refuse: Callable[[str], Exception]) -> BinaryIO:
    """Open `path` for reading, unbuffered, or raise `refuse(why)` for a folder, pipe,
    socket or device.

    The file is opened without blocking, so a named pipe (FIFO) with no writer is
    refused at once instead of hanging the reader. Missing files and permissions raise
    as `open()` does.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise refuse("it is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise refuse(f"it is {kind_of(mode)}, not a regular file")
        if fcntl is not None and flags & getattr(os, "O_NONBLOCK", 0):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


_KINDS = [
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISREG, "a regular file"),
]


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in words (`'a named pipe (FIFO)'`)."""
    return next((words for test, words in _KINDS if test(mode)), "a special file")


def refuse_special(path: str, target: str, what: str, folder: bool = False) -> None:
    """`CheckpointError` if `target` (`path` with its links followed) exists and is
    neither a regular file nor a folder (those the caller handles): a pipe, socket or
    device, which a save would replace, since a rename replaces whatever is at the
    path. `folder` says which of the two the caller writes, for the message."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    via = "" if os.path.abspath(path) == target else f" (which leads to {target!r})"
    wanted = "a folder" if folder else "a regular file"
    raise CheckpointError(
        f"Cannot save the {what} to {path!r}{via}: it is {kind_of(mode)}, not {wanted}, "
        f"and a save would replace it. Save to {wanted}, or a new path. Nothing was written."
    )


def write_failed(e: OSError, path: str, doing: str, kept: str) -> OSError:
    """An OSError like `e` (its errno, so its subclass) that names `path` and what
    happened: `[Errno 28] <strerror> while <doing>; <kept>: '<path>'`. Raise it
    `from e`."""
    reason = e.strerror or str(e) or type(e).__name__
    message = f"{reason} while {doing}; {kept}"
    if e.errno is None:
        return OSError(f"{message}: {path!r}")
    return OSError(e.errno, message, path)


def temp_name(folder: str, name: str, pid: int | None = None, token: str | None = None) -> str:
    """`folder/.<name>.<pid>.<12 hex digits>.eqbrain-tmp` (random digits unless given),
    short enough for NAME_MAX whatever the target's name."""
    pid = os.getpid() if pid is None else pid
    token = secrets.token_hex(6) if token is None else token
    return os.path.join(folder, f".{name[:120]}.{pid}.{token}{SUFFIX}")


def _lock(fd: int, block: bool) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


@contextmanager
def _claimed(
    folder: str, name: str, make: Callable[[str], int], fixed: str | None = None
) -> Iterator[tuple[int, str]]:
    """A new temporary beside `name` (at `fixed`, or a random name), created by
    `make(path) -> fd` and locked for the duration of the block; removed unless the
    block renamed it away."""
    for _ in range(1 if fixed else 100):
        tmp = fixed or temp_name(folder, name)
        fd = make(tmp)
        # A sweep may have locked and removed it between the create and this lock;
        # then the lock is taken on an unlinked temporary, and we start over.
        _lock(fd, block=True)
        if os.fstat(fd).st_nlink > 0:
            break
        os.close(fd)
    else:  # pragma: no cover - a sweep won the race (100 times)
        raise OSError(errno.EAGAIN, "Could not claim a temporary file; try again", folder)
    _LIVE.add(tmp)
    try:
        yield fd, tmp
    except BaseException:
        try:
            _remove(tmp)
        except OSError:
            pass
        raise
    finally:
        _LIVE.discard(tmp)
        os.close(fd)  # releases the lock, after the rename or the removal


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def sweep(folder: str) -> list[str]:
    """Remove the temporaries in `folder` that no live save owns; return their names.

    A staging folder of `save_orbax` that had moved the previous checkpoint aside
    (`old/`) and died before the new one took its place puts it back first.
    """
    removed: list[str] = []
    if fcntl is None:  # pragma: no cover
        return removed
    try:
        entries = [e.name for e in os.scandir(folder)]
    except OSError:
        return removed
    for name in entries:
        path = os.path.join(folder, name)
        if _TEMP.match(name) is None or path in _LIVE:
            continue  # not a temporary of ours, or one of this process's live saves
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue  # gone, a symlink, or not readable by us: leave it
        try:
            st = os.fstat(fd)
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                continue
            if not _lock(fd, block=False):
                continue  # a live save owns it
            try:
                now = os.lstat(path)
            except FileNotFoundError:
                continue
            if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                continue
            if stat.S_ISDIR(st.st_mode):
                _roll_back(folder, path)
            _remove(path)
            removed.append(name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _roll_back(folder: str, staging: str) -> None:
    """Put a checkpoint that a killed `save_orbax` had moved aside back in its place."""
    old = os.path.join(staging, OLD)
    try:
        with open(os.path.join(staging, TARGET_FILE), encoding="utf-8") as f:
            target = f.read()
    except OSError:
        return
    if not os.path.isdir(old) or not target or os.sep in target or target in (".", ".."):
        return
    dest = os.path.join(folder, target)
    if not os.path.lexists(dest):
        os.rename(old, dest)
        fsync_folder(folder)


def fsync_folder(folder: str) -> None:
    """Make renames in `folder` durable (where the OS can open a folder)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover
        return
    dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _write_all(f: Any, chunk: Any) -> None:
    # A raw write may write less than asked (Linux caps one write() near 2 GiB).
    view = memoryview(chunk).cast("B")
    while view:
        n = f.write(view)
        view = view[n:]


def _keep_owner_and_mode(fd: int, old: os.stat_result) -> None:
    new = os.fstat(fd)
    if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != (new.st_uid, new.st_gid):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:  # not root: keep at least the group, if we are in it
            try:
                os.fchown(fd, -1, old.st_gid)
            except PermissionError:
                pass
    try:
        os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which clears set-id bits
    except PermissionError:  # pragma: no cover - file systems without Unix modes
        pass


def replace_file(
    path: str, chunks: Iterable[Any], fsync: bool = True, what: str = "checkpoint"
) -> None:
    """Write the byte chunks to a temporary file beside `path`'s target, then rename it
    over the target: readers see the old file or the new one, never a part.

    `path` is followed through symlinks as `open()` would, and the new file keeps the
    mode, owner and group of the file it replaces. A folder, pipe, socket or device at
    the target is refused before anything is written. An OSError on the way (a full
    disk, a file size limit) is raised as one of its errno that names `path` and says
    that the earlier file is intact. Temporaries left by killed saves in the folder are
    removed first.
    """
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    try:
        old: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None:
        if stat.S_ISDIR(old.st_mode):
            raise IsADirectoryError(
                errno.EISDIR, f"Cannot save a {what} over a folder; pass a file path", path
            )
        refuse_special(path, target, what)
        if not os.access(target, os.W_OK):
            raise PermissionError(
                errno.EACCES, f"The {what} file is not writable (as open() would refuse)", path
            )

    def make(tmp: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        return os.open(tmp, flags, 0o666)

    kept = "the earlier file is intact" if old is not None else "no file was created"
    doing = f"creating a temporary file for the {what}"
    try:
        sweep(folder)
        with _claimed(folder, name, make) as (fd, tmp):
            if old is not None:
                _keep_owner_and_mode(fd, old)
            doing = f"writing the {what}"
            with os.fdopen(os.dup(fd), "wb", buffering=0) as f:
                for chunk in chunks:
                    _write_all(f, chunk)
                if fsync:
                    doing = f"flushing the {what} to disk (fsync)"
                    os.fsync(f.fileno())
            refuse_special(path, target, what)  # one appeared meanwhile
            doing = f"renaming the new {what} into place"
            os.replace(tmp, target)  # still locked: no sweep can take it meanwhile
        if fsync:
            doing = f"making the rename of the {what} durable (fsync of its folder)"
            kept = "the new file is in place, but a power loss may still undo the rename"
            fsync_folder(folder)
    except OSError as e:
        raise write_failed(e, path, doing, kept) from e


# -- folders (the orbax backend) ----------------------------------------------------------


@contextmanager
def staging_folder(target: str, fixed: str | None = None) -> Iterator[str]:
    """A locked, empty temporary folder beside `target` (a folder path, links already
    followed), at `fixed` if given; removed at the end of the block with whatever is
    left in it (after putting back a checkpoint moved aside into it, if any)."""
    folder, name = os.path.split(target)
    sweep(folder)

    def make(tmp: str) -> int:
        os.mkdir(tmp, 0o777)
        with open(os.path.join(tmp, TARGET_FILE), "w", encoding="utf-8") as f:
            f.write(name)
        return os.open(tmp, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))

    with _claimed(folder, name, make, fixed) as (_, tmp):
        try:
            yield tmp
        except BaseException:
            _roll_back(folder, tmp)  # before the staging folder (and `old/`) goes
            raise
        shutil.rmtree(tmp, ignore_errors=True)


_RENAME_EXCHANGE = 2


def _renameat2() -> Any:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: str, b: str) -> bool:
    """Swap the folders `a` and `b` in one atomic step (Linux `renameat2` with
    `RENAME_EXCHANGE`); False where the OS or file system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), a, None, b)


def swap_in(new: str, target: str, staging: str) -> None:
    """Put the complete folder `new` (inside `staging`) at `target`, replacing what is
    there, so that a kill at any moment leaves a complete checkpoint at `target` (or,
    without `RENAME_EXCHANGE`, one that the next `sweep` puts back at `target`)."""
    folder = os.path.dirname(target)
    if not os.path.lexists(target):
        os.rename(new, target)
    elif not exchange(new, target):
        os.rename(target, os.path.join(staging, OLD))  # a sweep rolls this back
        os.rename(new, target)
    fsync_folder(folder)
