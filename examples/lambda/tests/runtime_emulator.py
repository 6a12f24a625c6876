"""A Lambda Runtime API emulator for tests: the documented endpoints
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) served on
127.0.0.1, so that the real bootstrap can be run and invoked locally.

    emu = RuntimeEmulator()
    proc = subprocess.Popen([bootstrap], env={..., "AWS_LAMBDA_RUNTIME_API": emu.address})
    result = emu.invoke({"Records": [...]})   # waits for /response or /error
    emu.close()

GET  /2018-06-01/runtime/invocation/next          blocks until invoke()
POST /2018-06-01/runtime/invocation/<id>/response result of an invocation
POST /2018-06-01/runtime/invocation/<id>/error    error of an invocation
POST /2018-06-01/runtime/init/error               start-up failure
"""

import http.server
import json
import queue
import threading
import time
import uuid

PREFIX = "/2018-06-01/runtime"
# How long /next waits for work before checking whether the emulator closed.
NEXT_POLL_SECONDS = 0.2


class InvocationResult:
    def __init__(self, request_id):
        self.request_id = request_id
        self.kind = None  # "response" or "error"
        self.body = None  # bytes
        self.headers = {}
        self.done = threading.Event()
        # time.monotonic_ns() when the event had been written to /next's
        # connection and when the whole /response or /error had been read:
        # the invocation's duration as the Runtime API sees it.
        self.handed_out_ns = None
        self.answered_ns = None

    def json(self):
        return json.loads(self.body)


class RuntimeEmulator:
    def __init__(self):
        self._pending = queue.Queue()
        self._results = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.init_error = None  # (headers, body) once reported
        self.init_error_event = threading.Event()
        # time.time_ns() of every /next request, for cold-start measurements.
        self.next_times_ns = []
        emulator = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):
                pass

            def _reply(self, status, body=b"", headers=None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self):
                n = int(self.headers.get("Content-Length", "0"))
                return self.rfile.read(n) if n else b""

            def do_GET(self):
                if self.path != PREFIX + "/invocation/next":
                    return self._reply(404, b'{"errorType":"NotFound"}')
                with emulator._lock:
                    emulator.next_times_ns.append(time.time_ns())
                while True:
                    try:
                        inv = emulator._pending.get(timeout=NEXT_POLL_SECONDS)
                        break
                    except queue.Empty:
                        if emulator._closed.is_set():
                            # Lambda never answers when shutting down; a
                            # closed connection ends the bootstrap's loop.
                            self.close_connection = True
                            return
                request_id, payload, deadline_ms, trace_id = inv
                headers = {
                    "Content-Type": "application/json",
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn":
                        "arn:aws:lambda:us-east-1:123456789012:function:thumbs",
                }
                if trace_id:
                    headers["Lambda-Runtime-Trace-Id"] = trace_id
                self._reply(200, payload, headers)
                with emulator._lock:
                    emulator._results[request_id].handed_out_ns = \
                        time.monotonic_ns()

            def do_POST(self):
                body = self._body()
                answered_ns = time.monotonic_ns()
                path = self.path
                if path == PREFIX + "/init/error":
                    emulator.init_error = (dict(self.headers), body)
                    emulator.init_error_event.set()
                    return self._reply(202, b'{"status":"OK"}')
                parts = path[len(PREFIX):].split("/")
                # ["", "invocation", id, "response"|"error"]
                if (not path.startswith(PREFIX) or len(parts) != 4
                        or parts[1] != "invocation"
                        or parts[3] not in ("response", "error")):
                    return self._reply(404, b'{"errorType":"NotFound"}')
                with emulator._lock:
                    result = emulator._results.get(parts[2])
                if result is None or result.done.is_set():
                    return self._reply(400, b'{"errorType":"InvalidRequestID"}')
                result.kind = parts[3]
                result.body = body
                result.answered_ns = answered_ns
                result.headers = dict(self.headers)
                result.done.set()
                self._reply(202, b'{"status":"OK"}')

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                       Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)
        self._thread.start()
        self.address = "127.0.0.1:%d" % self._server.server_address[1]

    def submit(self, event, timeout_ms=30000, trace_id=None):
        """Queues an invocation; returns its InvocationResult."""
        payload = event if isinstance(event, bytes) else json.dumps(event).encode()
        request_id = str(uuid.uuid4())
        result = InvocationResult(request_id)
        with self._lock:
            self._results[request_id] = result
        deadline_ms = int(time.time() * 1000) + timeout_ms
        if trace_id is None:
            trace_id = "Root=1-%08x-%s;Parent=%s;Sampled=1" % (
                int(time.time()), uuid.uuid4().hex[:24], uuid.uuid4().hex[:16])
        self._pending.put((request_id, payload, deadline_ms, trace_id))
        return result

    def invoke(self, event, timeout_ms=30000, trace_id=None, process=None,
               wait_seconds=60):
        """Invokes and waits for the result. Raises if process (a Popen)
        exits or nothing comes back in wait_seconds."""
        result = self.submit(event, timeout_ms, trace_id)
        end = time.monotonic() + wait_seconds
        while not result.done.wait(0.05):
            if process is not None and process.poll() is not None:
                raise RuntimeError("bootstrap exited with %s during an "
                                   "invocation" % process.returncode)
            if time.monotonic() > end:
                raise RuntimeError("no result for invocation %s"
                                   % result.request_id)
        return result

    def close(self):
        self._closed.set()
        self._server.shutdown()
        self._server.server_close()
