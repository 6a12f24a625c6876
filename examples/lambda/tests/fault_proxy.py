"""A fault-injecting HTTP proxy on 127.0.0.1, for tests: it sits between
the bootstrap (AWS_ENDPOINT_URL_S3 pointed at it) or a tool
(AWS_ENDPOINT_URL_SQS) and moto_server and, for each request, asks
rule(method, path, seen) what to do, seen being how many requests with
that method and path came before this one. For SQS (the JSON protocol,
every request a POST to /) path is the operation, from X-Amz-Target:
"AmazonSQS.ReceiveMessage".

    None                       forward to moto and return its answer
    ("status", 503, "SlowDown") answer that status with an S3 XML error
                               (SQS: a JSON one, that code as __type)
    ("reset",)                 close the connection with a TCP RST
    ("lost",)                  forward, so that moto acts on the request,
                               then close with a TCP RST instead of
                               answering (the client cannot tell it from
                               a reset before: a retry does it twice)
    ("short",)                 forward, but send half the body under the
                               full Content-Length, then close
    ("stall", seconds)         say nothing for that long, then close
    ("delay", seconds[, then]) wait that long, then do what the action
                               then says (None, or absent: forward), as
                               a distant server's latency would
    ("hold_body", seconds[, answered])
                               forward, send the headers, wait, then the
                               body (a client that reads Content-Length
                               first has given up by then); answered, a
                               threading.Event, is set once moto has
                               answered, so a test can change the object
                               knowing the held body is the old one

Every request is recorded in .log as (method, path, action name), and
in .spans as (method, path, arrived, answered), monotonic seconds from
its headers read to its answer sent (or its connection closed).
"""

import http.client
import http.server
import json
import socket
import struct
import threading
import time
import urllib.parse

# Request headers that belong to one hop, not to the request.
HOP_HEADERS = {"connection", "keep-alive", "expect", "transfer-encoding",
               "proxy-connection", "te", "upgrade"}


class FaultProxy:
    def __init__(self, upstream, rule=None):
        self.upstream = urllib.parse.urlsplit(upstream).netloc
        self.rule = rule or (lambda method, path, seen: None)
        self.log = []
        self.spans = []
        self._seen = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def _any(self):
                proxy._handle(self)

            do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _any

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                       Handler)
        self._server.daemon_threads = True
        self.address = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def count(self, method=None, action=None, path_part=""):
        with self._lock:
            return sum(1 for m, p, a in self.log
                       if (method is None or m == method) and
                       (action is None or a == action) and path_part in p)

    def _handle(self, h):
        arrived = time.monotonic()
        path = h.headers.get("X-Amz-Target") or urllib.parse.unquote(
            h.path.split("?", 1)[0])
        try:
            self._answer(h, path)
        finally:
            with self._lock:
                self.spans.append((h.command, path, arrived,
                                   time.monotonic()))

    def _answer(self, h, path):
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        with self._lock:
            key = (h.command, path)
            seen = self._seen.get(key, 0)
            self._seen[key] = seen + 1
        action = self.rule(h.command, path, seen)
        name = action[0] if action else "forward"
        with self._lock:
            self.log.append((h.command, path, name))
        if name == "delay":
            time.sleep(action[1])
            action = action[2] if len(action) > 2 else None
            name = action[0] if action else "forward"
        if name == "status":
            _, status, code = action
            if h.headers.get("X-Amz-Target"):
                content_type = "application/x-amz-json-1.0"
                doc = json.dumps({"__type": "com.amazonaws.sqs#" + code,
                                  "message": "injected by the test's proxy"})
            else:
                content_type = "application/xml"
                doc = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"
                       "<Code>%s</Code><Message>injected by the test's "
                       "proxy</Message></Error>" % code)
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(doc.encode())))
            h.end_headers()
            if h.command != "HEAD":
                h.wfile.write(doc.encode())
            return
        if name == "reset":
            _reset(h)
            return
        if name == "stall":
            time.sleep(action[1])
            h.close_connection = True
            return
        headers = {k: v for k, v in h.headers.items()
                   if k.lower() not in HOP_HEADERS}
        up = http.client.HTTPConnection(self.upstream, timeout=60)
        try:
            up.request(h.command, h.path, body=body, headers=headers)
            res = up.getresponse()
            data = res.read()
            status, res_headers = res.status, res.getheaders()
        finally:
            up.close()
        if name == "lost":
            _reset(h)
            return
        h.send_response(status)
        for k, v in res_headers:
            if k.lower() not in HOP_HEADERS | {"content-length", "date",
                                                "server"}:
                h.send_header(k, v)
        full = res_headers and dict((k.lower(), v) for k, v in res_headers)
        size = len(data) if h.command != "HEAD" else int(
            full.get("content-length", 0))
        h.send_header("Content-Length", str(size))
        h.end_headers()
        if h.command == "HEAD":
            return
        try:
            if name == "short":
                h.wfile.write(data[:len(data) // 2])
                h.wfile.flush()
                h.close_connection = True
                return
            if name == "hold_body":
                h.wfile.flush()
                if len(action) > 2:
                    action[2].set()
                time.sleep(action[1])
            h.wfile.write(data)
        except OSError:
            h.close_connection = True  # the client gave up: as it may


def _reset(h):
    """Closes h's connection with a TCP RST: SO_LINGER with a zero timeout
    makes close() send RST, not FIN."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()
