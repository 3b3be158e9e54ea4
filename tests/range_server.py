"""A local static HTTP server that answers ``Range`` requests (206, ``Content-Range``).

Python's ``http.server`` ignores ``Range`` and always sends the whole file; a static
host or CDN answers it, and the tiles page (``heritage-mapper tiles``) depends on it.
This one does: a single ``bytes=a-b`` (or ``a-``, or ``-n``) range gets 206 with
``Content-Range``; anything else gets the whole file (200). Every request is logged
as ``(path, status, range header, bytes sent)``. Also used by
``benchmarks/tiles_scale.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeHandler(SimpleHTTPRequestHandler):
    """``SimpleHTTPRequestHandler`` plus single byte ranges; logs into ``server.log``."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        header = self.headers.get("Range")
        if header is None or os.path.isdir(path):
            self._range_header = None
            return super().send_head()
        match = _RANGE.match(header.strip())
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed by the caller (copyfile)
        except OSError:
            self.send_error(404, "File not found")
            return None
        size = os.fstat(handle.fileno()).st_size
        first, last = (match.group(1), match.group(2)) if match else ("", "")
        if not match or (first == "" and last == ""):
            handle.close()
            self._range_header = None
            return super().send_head()
        if first == "":
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(size - 1, int(last)) if last else size - 1
        if start >= size or start > end:
            handle.close()
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            self._record(416, header, 0)
            return None
        handle.seek(start)
        length = end - start + 1
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self._record(206, header, length)
        return _Limited(handle, length)

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_response(self, code, message=None):
        super().send_response(code, message)
        if code == 200:
            path = self.translate_path(self.path)
            size = os.path.getsize(path) if os.path.isfile(path) else 0
            self._record(200, None, size)
        elif code >= 400 and code != 416:
            self._record(code, self.headers.get("Range"), 0)

    def _record(self, status, header, sent):
        with self.server.lock:
            self.server.log.append((self.path.split("?")[0], status, header, sent))


class _Limited:
    """The first ``length`` bytes of an open file, for ``copyfile``."""

    def __init__(self, handle, length):
        self.handle, self.left = handle, length

    def read(self, size=-1):
        if self.left <= 0:
            return b""
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data

    def close(self):
        self.handle.close()


@contextlib.contextmanager
def serve(folder: str | Path):
    """Serve ``folder`` on 127.0.0.1 (a free port); yields ``(base URL, log list)``."""
    handler = partial(RangeHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.log = []
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.log
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
