"""Run independent steps on several cores: forked processes that share the run's data.

``build`` renders its pages and writes its export formats this way. Each task is a
function of one item, run here or in a process forked from this one, which reads the
loaded, joined data without copying it; a forked task's result (a page's HTML, a
writer's failure) comes back pickled, and the results come in the order of the items,
so the output is the same as one by one.
Where ``fork`` is missing (Windows) or ``jobs`` is 1, the tasks run here one by one.
Rows a task counts (:func:`heritage_mapper.progress.count_rows`) reach this process's
progress display a few times a second, through a counter in shared memory.

A forked process lets go of the output folders' locks it inherited and dies with the
run (Linux ``PR_SET_PDEATHSIG``): a killed build leaves no process behind holding a
lock or writing; the next build removes the temporary files, as after any kill.

Examples
--------
>>> fork_map(lambda n: n * n, [1, 2, 3], jobs=2)
[1, 4, 9]
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections.abc import Callable, Sequence

__all__ = [
    "Forked",
    "default_jobs",
    "fork_call",
    "fork_map",
    "jobs_within_memory",
    "keeps_nothing_after",
    "last_step",
    "memory_limit",
    "parse_size",
]

PR_SET_PDEATHSIG = 1  # linux/prctl.h
#: How often the counts of rows done in the forked processes are read, in seconds.
POLL_SECONDS = 0.2
KILLED_WAIT_SECONDS = 5.0  # how long a stopped run waits for its killed processes to go
_TASK: tuple | None = None  # (func, items, counts) for the forked processes
_FORKED = False  # set in a process fork_map or fork_call started (in_forked_process)
_LAST_STEP = False  # within last_step(): this process's work ends with the block's
#: The answer files (_answer_file) of this process's forked processes not yet answered:
#: a process forked meanwhile closes its copies (_forked_start), or it would keep their
#: memory (hundreds of MB once written) until it ends.
_OPEN_ANSWER_FILES: set[int] = set()
#: The memory the run's processes may use together, in bytes (:func:`memory_limit`);
#: None: what the machine has available when a process would start.
_MEMORY_LIMIT: int | None = None
#: Of what the machine has available, the share forked processes may be counted on.
AVAILABLE_SHARE = 0.8
#: Each :class:`Forked` process still running: the memory it is counted at.
_LIVE_FORKED: dict[int, int] = {}
_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def default_jobs() -> int:
    """One job per CPU this process may use (its affinity, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def parse_size(text: str) -> int:
    """Bytes in ``text``: a number with an optional unit K, M, G or T (powers of 1024;
    ``KB``, ``KiB`` and lower case are the same). With a unit the number may have
    decimals (``1.5G``), rounded down to whole bytes; without one it is whole bytes.
    ValueError otherwise.

    >>> parse_size("2G"), parse_size("1500m"), parse_size("512 KiB"), parse_size("4096")
    (2147483648, 1572864000, 524288, 4096)
    >>> parse_size("1.5G"), parse_size("0.5 GiB")
    (1610612736, 536870912)
    """
    import re
    from fractions import Fraction

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if match is None or ("." in match[1] and not match[2]):
        raise ValueError(f"{text!r} is not a size such as 2G, 1.5G, 1500M or 4096 (bytes)")
    size = int(Fraction(match[1]) * _SIZE_UNITS[match[2]])  # exact decimals, no float
    if size == 0:
        raise ValueError(f"{text!r} is not a size such as 2G, 1.5G, 1500M or 4096 (bytes)")
    return size


@contextlib.contextmanager
def memory_limit(limit: int | None):
    """Within the block, forked processes start only while the run's processes fit in
    ``limit`` bytes together (:func:`jobs_within_memory`); None: in what the machine has
    available. The work is the same either way, in fewer processes, and so is every
    file written."""
    global _MEMORY_LIMIT
    saved, _MEMORY_LIMIT = _MEMORY_LIMIT, limit
    try:
        yield
    finally:
        _MEMORY_LIMIT = saved


def jobs_within_memory(jobs: int) -> int:
    """How many of ``jobs`` forked processes may start now, beside this one, within the
    memory limit (:func:`memory_limit`): 0 when not even one fits.

    Each is counted at this process's resident size. A forked process shares this
    one's memory until it writes to it, but Python writes a reference count into
    every object it reads, so one that reads the loaded folder comes to copy most of
    it: at 100,000 sites the index page's process copied 1,194 MB of this process's
    1,237 MB, the Shapefile writer's 1,133 MB. Processes of :func:`fork_call` still
    running count as they were counted when they started. Without a limit the room is
    :data:`AVAILABLE_SHARE` of the memory the machine has available (Linux
    ``MemAvailable``); where neither size can be read, every job may start.
    """
    if jobs < 1:
        return 0
    size = _resident_bytes()
    if size is None:
        return jobs
    if _MEMORY_LIMIT is not None:
        room = _MEMORY_LIMIT - size
    else:
        available = _available_bytes()
        if available is None:
            return jobs
        room = int(available * AVAILABLE_SHARE)
    room -= sum(_LIVE_FORKED.values())
    return max(0, min(jobs, room // max(size, 1)))


def _resident_bytes() -> int | None:
    """This process's resident memory (Linux ``/proc/self/statm``), or None."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _available_bytes() -> int | None:
    """The memory the machine can give without swapping (``MemAvailable``), or None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(
    func: Callable,
    items: Sequence,
    jobs: int = 1,
    *,
    order: Sequence[int] | None = None,
    advance: Callable | None = None,
) -> list:
    """``[func(item) for item in items]``, up to ``jobs`` at once: this process and
    ``jobs - 1`` processes forked from it take the next task in ``order`` as each is free.

    ``order`` is the order to start them in (longest first keeps the cores busy; this
    process takes the first); ``advance()`` is called as each one ends (a forked one's
    within :data:`POLL_SECONDS`, from a thread of this process while it runs a task).
    An exception in a task is raised here (the first in item order) once the running
    tasks have ended; a forked process that dies fails its task and every one not yet
    started (:class:`~heritage_mapper.errors.ProcessDied`). Fewer processes start
    where the memory limit leaves room for fewer (:func:`jobs_within_memory`); without
    room for one the tasks run here, one by one.
    """
    shown = advance is not None
    advance = advance or (lambda amount=1: None)
    order = list(order) if order is not None else list(range(len(items)))
    workers = 0
    if jobs > 1 and len(items) > 1 and can_fork():
        workers = jobs_within_memory(min(jobs, len(items)) - 1)  # beside this one
    if workers < 1:
        results = []
        for item in items:
            results.append(func(item))
            advance()
        return results
    import multiprocessing
    import threading
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from heritage_mapper.progress import counter, counting

    global _TASK
    results: dict[int, object] = {}
    failures: dict[int, BaseException] = {}
    context = multiprocessing.get_context("fork")
    count = counter()
    # one slot per task, written by its process only: no lock, no lost update
    counts = context.RawArray("q", len(items)) if count is not None else None
    counted = 0
    waiting = deque(order)  # the tasks no process has taken yet
    taken = threading.Lock()
    futures: dict = {}  # each forked task's future → its index, until collect() has it
    reporting = threading.Lock()  # collect() in one thread at a time
    ticking = threading.Event()  # set: the reporting thread stops

    def take():
        with taken:
            return waiting.popleft() if waiting else None

    def give_up(index: int | None = None) -> None:
        """The pool is broken (a process died): the task ``index`` and every one still
        waiting fail, as they did when all were handed to the pool at once; none of
        them runs here (the biggest process would go on where one died for want of
        memory). Called with ``taken`` held."""
        for rest in ([] if index is None else [index]) + list(waiting):
            failures[rest] = _died_with(None)
        waiting.clear()

    def hand_on(_done=None) -> None:
        """Give the next waiting task to the pool (a forked process just got free)."""
        with taken:  # popped and recorded together: the wait below sees one or the other
            if not waiting:
                return
            index = waiting.popleft()
            try:
                future = pool.submit(_run_forked, index)
            except Exception:  # the pool is broken: a process died (killed, out of memory)
                give_up(index)
                return
            futures[future] = index
        future.add_done_callback(hand_on)

    def collect() -> None:
        """Tell the progress display of the rows and forked tasks done so far (in this
        process's thread, or in its reporting thread while this one runs a task; not in
        the pool's, where the callbacks run), and end a pool one of whose processes died."""
        with reporting:
            _collect()

    def _collect() -> None:
        nonlocal counted
        if _a_process_died(pool):  # perhaps half-way through sending its result
            _stop_processes(pool)
        if counts is not None:
            total = sum(counts)  # read once: a process may add to its slot meanwhile
            if total > counted:
                count(total - counted)
                counted = total
        with taken:
            done = sorted((f for f in futures if f.done()), key=futures.get)
            indexes = [futures.pop(f) for f in done]
        for future, index in zip(done, indexes, strict=True):
            try:
                failed, value = future.result()
            except BrokenProcessPool:  # a process died (killed, out of memory)
                failed, value = True, _died_with(None)
                with taken:
                    give_up()
            except Exception as exc:
                failed, value = True, exc
            (failures if failed else results)[index] = value
            advance()

    def report() -> None:
        while not ticking.wait(POLL_SECONDS):
            collect()

    def run_here(index: int) -> None:
        def own(amount: int) -> None:  # reported with the others' (report, collect)
            counts[index] += amount

        try:
            with counting(own if counts is not None else None):
                results[index] = func(items[index])
        except Exception as exc:
            failures[index] = exc
        advance()
        collect()

    _TASK = (func, items, counts)
    # the loaded data out of the collector's reach: a forked process's collections then
    # never write to its objects' headers, so the pages stay shared (Python's gc docs)
    gc.freeze()
    try:
        with _stopped_on_interrupt(
            ProcessPoolExecutor(
                workers,
                mp_context=context,
                initializer=_forked_start,
                initargs=(os.getpid(),),
            )
        ) as pool:
            mine = take()  # the first (the longest) here, the next in the forked ones
            for _ in range(workers):
                hand_on()
            # the tasks' ends and rows shown while this process runs one
            reporter = threading.Thread(target=report, daemon=True)
            if shown or counts is not None:
                reporter.start()
            try:
                while True:
                    if mine is not None:
                        run_here(mine)
                        mine = take()
                        continue
                    with taken:
                        running = [f for f in futures if not f.done()]
                    if not running:
                        break
                    wait(running, POLL_SECONDS, return_when=FIRST_COMPLETED)
                    collect()
                    mine = take()  # one the forked processes have not taken meanwhile
            finally:  # before the pool shuts down, its processes ending as they should
                ticking.set()
                if reporter.is_alive():
                    reporter.join()
            collect()
    finally:
        _TASK = None
        gc.unfreeze()
    if failures:
        raise failures[min(failures)]
    return [results[i] for i in range(len(items))]


@contextlib.contextmanager
def _stopped_on_interrupt(pool):
    """``pool`` (a ProcessPoolExecutor) in a ``with`` block that, left by an exception
    (Ctrl-C, SIGTERM, a failure here), kills its processes before shutting it down:
    waiting for them, as the executor's own exit does, kept an interrupted build
    waiting on processes still rendering, or blocked sending a page nobody read."""
    try:
        yield pool
    except BaseException:
        _stop_processes(pool)
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        # its thread, which sees the processes gone, ended before the interpreter's
        # exit: left running, it could close its wake-up pipe just as the exit wrote
        # to it, and Python printed "Exception ignored ... Bad file descriptor" with a
        # traceback after the run's message (CPython 3.11's race, fixed in 3.12)
        if manager is not None:
            manager.join(KILLED_WAIT_SECONDS)
        raise
    pool.shutdown(wait=True)


def _processes(pool) -> list:
    """The processes of ``pool`` (a ProcessPoolExecutor; Python 3.14 has
    pool.kill_workers(), before it they are only here)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _a_process_died(pool) -> bool:
    """Whether a process of ``pool`` has ended: none does before the pool shuts down
    unless it died."""
    return any(process.exitcode is not None for process in _processes(pool))


def _stop_processes(pool) -> None:
    """Kill the processes of ``pool`` and wait for them to go (before the caller
    removes their files). A process killed, or dead, half-way through sending its
    result (a page's HTML) left the pool's thread reading the rest for ever, as this
    process holds the pipe's other end too: closed, the read ends, and the pool's
    thread ends the pool as broken. Nothing writes to that end here."""
    processes = _processes(pool)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            process.join(KILLED_WAIT_SECONDS)
    results = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if results is not None:
        with contextlib.suppress(OSError):
            results.close()


class Forked:
    """``func()`` run in a forked process beside what this one does next
    (:func:`fork_call`): :meth:`result` waits for it; leaving a ``with`` block without
    it stops the process."""

    def __init__(self, func: Callable[[], object], fork: bool):
        self._func, self._process, self._answers, self._file = func, None, None, None
        if fork:
            import multiprocessing

            # a daemonic process (a multiprocessing.Pool worker) may start none, nor
            # one the memory limit leaves no room for: func() then runs here
            fork = not multiprocessing.current_process().daemon and jobs_within_memory(1) == 1
        if fork:
            context = multiprocessing.get_context("fork")
            self._answers, answer = context.Pipe(duplex=False)
            self._file = _answer_file()
            try:
                self._process = context.Process(
                    target=_answer, args=(func, answer, os.getpid(), self._file), daemon=True
                )
                self._process.start()
                _LIVE_FORKED[self._process.pid] = _resident_bytes() or 0  # its count
            except BaseException:  # no process (fork refused): nothing will answer
                self._process = None
                self.close()
                answer.close()
                raise
            answer.close()  # this end is the forked process's: EOF here when it dies

    @property
    def forked(self) -> bool:
        """Whether ``func()`` runs in another process (else :meth:`result` runs it)."""
        return self._process is not None

    def result(self) -> object:
        """``func()``'s value, or its exception raised here. A forked process that died
        without answering (killed, out of memory) raises
        :class:`~heritage_mapper.errors.ProcessDied`."""
        if self._process is None:
            if self._func is None:
                raise RuntimeError("the result was already taken")
            func, self._func = self._func, None
            return func()
        try:
            try:
                sent = self._answers.recv()
            except EOFError:
                sent = True, _died(self._process)
            failed, value = _read_answer(self._file) if sent is None else sent
        finally:
            self.close()
        if failed:
            raise value
        return value

    def close(self) -> None:
        """Stop the forked process if it still runs, and let go of it."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()  # before the pipe closes: no write into a closed pipe
            self._process.join()
            _LIVE_FORKED.pop(self._process.pid, None)
            self._process.close()
            self._process = None
        if self._answers is not None:
            self._answers.close()
            self._answers = None
        if self._file is not None:
            _OPEN_ANSWER_FILES.discard(self._file)
            os.close(self._file)
            self._file = None
        self._func = None

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def fork_call(func: Callable[[], object], jobs: int = 1) -> Forked:
    """Start ``func()`` in a forked process, to run beside what this one does next;
    ``.result()`` of what is returned waits for its value (its exception is raised
    there).

    With ``jobs`` 1, where ``fork`` is missing, or where the memory limit leaves no
    room for another process (:func:`jobs_within_memory`), nothing starts:
    ``.result()`` runs ``func()`` here. The value comes back pickled, so it should be
    cheap to pickle; the forked process lets go of the locks and dies with the run, as
    :func:`fork_map`'s.

    Examples
    --------
    >>> with fork_call(os.getpid, jobs=2) as task:
    ...     task.result() != os.getpid() or not can_fork()
    True
    >>> fork_call(lambda: 6 * 7).result()
    42
    """
    return Forked(func, fork=jobs > 1 and can_fork())


def _died(process) -> Exception:
    process.join()
    return _died_with(process.exitcode)


def _died_with(code: int | None) -> Exception:
    """The :class:`~heritage_mapper.errors.ProcessDied` of a forked process that ended
    with exit code ``code`` (negative: the signal; None: not known) before answering."""
    from heritage_mapper.errors import ProcessDied

    if code is None:  # a pool's process: the pool does not keep its exit code
        how = " (killed, or short of memory)"
    elif code < 0:
        how = f" (killed by {signal.Signals(-code).name})"
    else:
        how = f" (exit code {code})"
    memory = ", perhaps for want of memory" if code == -signal.SIGKILL else ""
    return ProcessDied(
        f"a forked process of this run died before it answered{how}{memory}; run "
        "again with --jobs 1 to keep everything in one process (build: or with a "
        "--max-memory below what the machine has free)"
    )


def _answer_file() -> int | None:
    """A file in memory for a forked process's answer (Linux ``memfd_create``), or
    None where there is none: the answer then goes through the pipe.

    Through a pipe, the answer waits, pickled whole, until this process reads it, 64 KB
    at a time: the events file's columns at 100,000 sites (about 300 MB) took this
    process 0.74 s to take. Written to the file, they are pickled as soon as they are
    made, while this process works on, and read back at once (0.2 s).
    """
    if not hasattr(os, "memfd_create"):
        return None
    try:
        fd = os.memfd_create("heritage-mapper-answer", os.MFD_CLOEXEC)
    except OSError:
        return None
    _OPEN_ANSWER_FILES.add(fd)
    return fd


def _read_answer(fd: int) -> tuple[bool, object]:
    import pickle

    with open(fd, "rb", closefd=False) as answer:
        answer.seek(0)
        return pickle.load(answer)


def _answer(func: Callable[[], object], answer, parent: int, file: int | None = None) -> None:
    """In a forked process: send ``(False, func())`` or ``(True, the exception)``,
    pickled into ``file`` (then a word through the pipe says it is there), or through
    the pipe when there is no file. Signals: see :func:`_forked_start`.
    """
    _forked_start(parent, keep=file)
    try:
        try:
            reply = (False, func())
        except Exception as exc:
            reply = (True, _sendable(exc))
        if file is not None:
            import pickle

            with open(file, "wb", closefd=False) as out:
                pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
            reply = None  # "read the file"
        answer.send(reply)
        answer.close()
    except BaseException:  # the pipe closed under it (the run stopped it): say nothing
        os._exit(1)


def in_forked_process() -> bool:
    """Whether this is a process :func:`fork_map` or :func:`fork_call` started: one
    that ends with the run's parallel step (its task, or its share of a map's tasks),
    so memory it keeps until then costs nothing after.

    >>> in_forked_process()
    False
    """
    return _FORKED


@contextlib.contextmanager
def last_step(last: bool = True):
    """Within the block (with ``last``), the data this process works on is let go of
    when the block ends: the run's last step (``build`` without exports, whose pages
    come last). See :func:`keeps_nothing_after`."""
    global _LAST_STEP
    saved, _LAST_STEP = _LAST_STEP, last or _LAST_STEP
    try:
        yield
    finally:
        _LAST_STEP = saved


def keeps_nothing_after() -> bool:
    """Whether memory this process adds to the data it works on now costs nothing
    after: in a forked process, which ends with its task (:func:`in_forked_process`),
    or within :func:`last_step`.

    >>> keeps_nothing_after()
    False
    >>> with last_step():
    ...     keeps_nothing_after()
    True
    """
    return _FORKED or _LAST_STEP


def _forked_start(parent: int, keep: int | None = None) -> None:
    """A forked process's first step: let go of the locks and of the answer files of
    other forked processes (``keep``: its own), and die with the run.

    Ctrl-C reaches the whole process group, and SIGTERM or SIGHUP may: a forked process
    leaves them to the run's process, which stops it (or, gone, takes it with it), so
    it ignores SIGINT and dies quietly of the others (the run's own handlers, inherited,
    would raise in it and print a traceback)."""
    import ctypes

    from heritage_mapper.atomic import release_inherited_locks

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    global _FORKED
    _FORKED = True
    for fd in _OPEN_ANSWER_FILES - {keep}:  # others' answers, not this process's
        with contextlib.suppress(OSError):
            os.close(fd)
    _OPEN_ANSWER_FILES.clear()
    _LIVE_FORKED.clear()  # the run's processes, counted by the run's process
    release_inherited_locks()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)


def _run_forked(index: int) -> tuple[bool, object]:
    """In a forked process: ``(False, result)``, or ``(True, the exception)`` made safe to
    send back (one that cannot be pickled comes back as a RuntimeError with its text)."""
    from heritage_mapper.progress import counting

    func, items, counts = _TASK

    def count(amount: int) -> None:
        counts[index] += amount

    try:
        with counting(count if counts is not None else None):
            return False, func(items[index])
    except Exception as exc:
        return True, _sendable(exc)


def _sendable(exc: Exception) -> Exception:
    """``exc``, or when it cannot be pickled (to go back to the run's process) a
    RuntimeError with its text."""
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
