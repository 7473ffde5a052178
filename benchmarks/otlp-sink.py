#!/usr/bin/env python3
"""A stand-in OTLP/HTTP trace receiver for benchmarks: accepts POST /v1/traces, counts the
requests and bytes, answers 200 with an empty ExportTraceServiceResponse, keeps nothing.
Measures what exporting costs the services, not what a real backend costs.

    benchmarks/otlp-sink.py PORT   (prints "requests bytes" to stderr at exit)
"""
import http.server
import signal
import sys

counts = {"requests": 0, "bytes": 0}


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        counts["requests"] += 1
        counts["bytes"] += length
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"{counts['requests']} {counts['bytes']}", file=sys.stderr, flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink)
server.serve_forever()
