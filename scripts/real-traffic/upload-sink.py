#!/usr/bin/env python3
"""The cloud file-sharing service's upload endpoint: accepts HTTP PUT/POST bodies and discards them.

usage: upload-sink.py <bind-address> <port>
Answers 201 with the byte count; GET answers a small page. HTTP/1.1 so curl's "Expect: 100-continue"
gets its interim answer.
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drain(self) -> int:
        left = int(self.headers.get("Content-Length") or 0)
        got = 0
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 16))
            if not chunk:
                break
            got += len(chunk)
            left -= len(chunk)
        return got

    def do_PUT(self) -> None:  # noqa: N802 (http.server's naming)
        n = self._drain()
        self._answer(201, b'{"stored": %d}' % n)

    do_POST = do_PUT

    def do_GET(self) -> None:  # noqa: N802
        self._answer(200, b'{"service": "files", "status": "ok"}')

    def log_message(self, fmt: str, *args) -> None:
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


if __name__ == "__main__":
    ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Sink).serve_forever()
