"""Integration tests of the S3/SQS adapter and the redrive
command against moto_server on 127.0.0.1, run by CTest with the python3
that has moto and boto3; and of its signatures against a small server
that recomputes every SigV4 signature with botocore's S3 signer.

Two servers: one in moto's auth mode, where SigV4 signatures are really
checked (INITIAL_NO_AUTH_ACTION_COUNT lets the IAM setup through, then an
IAM user's access key signs everything), and one without auth for awkward
key names, which moto's auth mode wrongly rejects when they need
percent-encoding (as it does for %2F in query strings). Every server is
stopped at the end, whatever happens.
"""
import argparse
import concurrent.futures
import ctypes
import hashlib
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ARGS = None
REGION = "us-east-1"
# The IAM calls made before auth is enforced: CreateUser, PutUserPolicy,
# CreateAccessKey.
SETUP_ACTIONS = 3
STARTUP_SECONDS = 60
# Uploads in parallel when filling a bucket (moto serves threaded).
PUT_THREADS = 8
AWKWARD_KEYS = [
    "plain.jpg",
    "with space.jpg",
    "plus+sign.jpg",
    "percent%41.jpg",
    "tilde~name.png",
    "caf\u00e9/\u65e5\u672c\u8a9e.png",
    "emoji \U0001f4f7.webp",
    "dir/sub dir/a+b%c~d \u00e9.gif",
    "q?x=1&y=#z.jpg",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    """In the child: get SIGTERM when the test process dies, even killed
    by CTest's timeout, so no server outlives the test."""
    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig,
                                                   signal.SIGTERM)


class MotoServer:
    """moto_server on a free port; stop() is safe to call more than once."""

    def __init__(self, auth):
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        env = dict(os.environ)
        if auth:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
        else:
            env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
             str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start")
                time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def tool_env(url, key_id, secret, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and not k.startswith("THUMB_")}
    env.update(AWS_ACCESS_KEY_ID=key_id, AWS_SECRET_ACCESS_KEY=secret,
               AWS_REGION=REGION, AWS_ENDPOINT_URL=url)
    env.update(extra or {})
    return env


def run(argv, env, check=True):
    r = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    if check and r.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (
            argv[:2], r.returncode, r.stderr.decode(errors="replace")))
    return r


def cli(env, *args, check=True):
    return run([ARGS.cli] + list(args), env, check)


def boto(service, url, key_id="test", secret="test"):
    return boto3.client(service, endpoint_url=url, region_name=REGION,
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        config=Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))


class TempFiles:
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()


class SigV4CheckingServer:
    """Answers like S3 only if the request's SigV4 signature is the one
    botocore's S3 signer computes for it (and its x-amz-content-sha256 is
    the body's hash); 403 otherwise. Records what arrived."""

    KEY_ID = "AKIDSIGCHECK"
    SECRET = "sig/check+SECRET=="
    TOKEN = "session/token+value=="

    def __init__(self):
        self.requests = []
        self.list_pages = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n) if n else b""
                ok, why = outer.verify(self, body)
                outer.requests.append((self.command, self.path, ok, why,
                                       dict(self.headers), body))
                if not ok:
                    reply = (b"<Error><Code>SignatureDoesNotMatch</Code>"
                             b"<Message>" + why.encode() + b"</Message></Error>")
                    self.send_response(403)
                elif "list-type=2" in self.path:
                    reply = outer.list_pages.pop(0).encode()
                    self.send_response(200)
                else:
                    reply = b"signed ok" if self.command == "GET" else b""
                    self.send_response(200)
                self.send_header("Content-Length", str(len(reply)))
                if self.command == "HEAD":
                    self.end_headers()
                    return
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_PUT = do_HEAD = do_POST = handle_one

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def verify(self, req, body):
        auth = req.headers.get("Authorization", "")
        try:
            fields = dict(f.strip().split("=", 1) for f in
                          auth.split(" ", 1)[1].split(","))
            signed = fields["SignedHeaders"].split(";")
            scope = fields["Credential"].split("/")
        except (IndexError, ValueError, KeyError):
            return False, "no SigV4 Authorization header"
        if scope[0] != self.KEY_ID or scope[2:] != [REGION, "s3",
                                                    "aws4_request"]:
            return False, "bad credential scope %s" % fields["Credential"]
        for need in ("host", "x-amz-date", "x-amz-content-sha256"):
            if need not in signed:
                return False, "%s not signed" % need
        if req.headers["x-amz-content-sha256"] != hashlib.sha256(
                body).hexdigest():
            return False, "x-amz-content-sha256 is not the body's hash"
        headers = {h: req.headers[h] for h in signed}
        areq = AWSRequest(method=req.command, url=self.url + req.path,
                          headers=headers, data=body)
        areq.context["timestamp"] = req.headers["x-amz-date"]
        signer = S3SigV4Auth(Credentials(self.KEY_ID, self.SECRET), "s3",
                             REGION)
        canonical = signer.canonical_request(areq)
        want = signer.signature(signer.string_to_sign(areq, canonical), areq)
        if want != fields["Signature"]:
            return False, "signature mismatch; canonical request:\n" + canonical
        return True, ""

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class SignatureTest(TempFiles, unittest.TestCase):
    """Awkward keys, queries and a session token, signed as AWS checks."""

    def setUp(self):
        super().setUp()
        self.server = SigV4CheckingServer()
        self.addCleanup(self.server.stop)

    def env(self, secret=None):
        s = self.server
        return tool_env(s.url, s.KEY_ID, secret or s.SECRET,
                        {"AWS_SESSION_TOKEN": s.TOKEN})

    def check_all_signed(self):
        bad = [(m, p, why) for m, p, ok, why, _, _ in self.server.requests
               if not ok]
        self.assertEqual(bad, [])

    def test_awkward_keys(self):
        for key in AWKWARD_KEYS + ["a/../b.jpg", "a//b", "*'()!$,;:@=.jpg"]:
            src = self.write("in", b"body of " + key.encode())
            cli(self.env(), "put", "sig-bucket", key, src, "image/webp",
                "max-age=1")
            cli(self.env(), "get", "sig-bucket", key, self.path("out"))
            self.assertEqual(self.read("out"), b"signed ok")
            cli(self.env(), "head", "sig-bucket", key)
            # The key arrived whole, encoded once.
            paths = {urllib.parse.unquote(p) for _, p, _, _, _, _ in
                     self.server.requests[-3:]}
            self.assertEqual(paths, {"/sig-bucket/" + key})
        self.check_all_signed()
        put = [r for r in self.server.requests if r[0] == "PUT"][0]
        self.assertEqual(put[4]["Content-Type"], "image/webp")
        self.assertEqual(put[4]["Cache-Control"], "max-age=1")
        self.assertEqual(put[4]["x-amz-security-token"], self.server.TOKEN)

    def test_list_query_and_token(self):
        token = "1/2+3=="
        self.server.list_pages = [
            "<ListBucketResult><IsTruncated>true</IsTruncated>"
            "<EncodingType>url</EncodingType>"
            "<Contents><Key>a+b%2Bc</Key><Size>1</Size></Contents>"
            "<NextContinuationToken>" + token + "</NextContinuationToken>"
            "</ListBucketResult>",
            "<ListBucketResult><IsTruncated>false</IsTruncated>"
            "<EncodingType>url</EncodingType>"
            "<Contents><Key>caf%C3%A9</Key><Size>2</Size></Contents>"
            "</ListBucketResult>"]
        r = cli(self.env(), "list", "sig-bucket", "dir/a b+\u00e9", "1")
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(keys, ["a b+c", "caf\u00e9"])
        self.check_all_signed()
        queries = [urllib.parse.parse_qs(urllib.parse.urlsplit(p).query)
                   for _, p, _, _, _, _ in self.server.requests]
        self.assertEqual(queries[0]["prefix"], ["dir/a b+\u00e9"])
        self.assertEqual(queries[1]["continuation-token"], [token])

    def test_wrong_secret_refused(self):
        r = cli(self.env(secret="wrong"), "head", "sig-bucket", "k",
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertFalse(self.server.requests[-1][2])


class AuthModeTest(TempFiles, unittest.TestCase):
    """Signatures checked by moto against an IAM user's key."""

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer(auth=True)
        try:
            iam = boto("iam", cls.server.url)
            iam.create_user(UserName="thumbs")
            iam.put_user_policy(
                UserName="thumbs", PolicyName="all",
                PolicyDocument=json.dumps({
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*",
                                   "Resource": "*"}]}))
            key = iam.create_access_key(UserName="thumbs")["AccessKey"]
            cls.key_id = key["AccessKeyId"]
            cls.secret = key["SecretAccessKey"]
            cls.s3 = boto("s3", cls.server.url, cls.key_id, cls.secret)
            cls.sqs = boto("sqs", cls.server.url, cls.key_id, cls.secret)
            cls.s3.create_bucket(Bucket="auth-bucket")
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def env(self, secret=None):
        return tool_env(self.server.url, self.key_id, secret or self.secret)

    def test_put_get_head_list_signed(self):
        data = os.urandom(70000)
        src = self.write("in.bin", data)
        cli(self.env(), "put", "auth-bucket", "dir/photo.jpg", src,
            "image/jpeg", "public, max-age=60")
        obj = self.s3.get_object(Bucket="auth-bucket", Key="dir/photo.jpg")
        self.assertEqual(obj["Body"].read(), data)
        self.assertEqual(obj["ContentType"], "image/jpeg")
        self.assertEqual(obj["CacheControl"], "public, max-age=60")
        r = cli(self.env(), "get", "auth-bucket", "dir/photo.jpg",
                self.path("out.bin"))
        self.assertEqual(self.read("out.bin"), data)
        info = json.loads(r.stdout)
        self.assertEqual(info["size"], len(data))
        self.assertEqual(info["content_type"], "image/jpeg")
        r = cli(self.env(), "head", "auth-bucket", "dir/photo.jpg")
        self.assertEqual(json.loads(r.stdout)["etag"], obj["ETag"])
        # A key and a prefix that need no percent-encoding (see above).
        for i in range(5):
            self.s3.put_object(Bucket="auth-bucket", Key="list-%d" % i,
                               Body=b"x")
        r = cli(self.env(), "list", "auth-bucket", "list-", "2")
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(keys, ["list-%d" % i for i in range(5)])

    def test_wrong_secret_is_403(self):
        self.s3.put_object(Bucket="auth-bucket", Key="secret.txt", Body=b"s")
        for args in (("get", "auth-bucket", "secret.txt", self.path("o")),
                     ("head", "auth-bucket", "secret.txt"),
                     ("list", "auth-bucket")):
            r = cli(self.env(secret="wrong" + self.secret), *args,
                    check=False)
            self.assertEqual(r.returncode, 1)
            err = r.stderr.decode()
            self.assertIn("error access denied|403|", err)
            # Not retried: a bad signature does not get better.
            self.assertEqual(err.split("|")[3], "1", err)
        self.assertFalse(os.path.exists(self.path("o")))

    def test_missing_object(self):
        r = cli(self.env(), "get", "auth-bucket", "absent", self.path("o"),
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error not found|404|NoSuchKey|", r.stderr.decode())

    def test_redrive_signed(self):
        dlq = self.sqs.create_queue(QueueName="auth-dlq")["QueueUrl"]
        main = self.sqs.create_queue(QueueName="auth-main")["QueueUrl"]
        for i in range(3):
            self.sqs.send_message(QueueUrl=dlq, MessageBody='{"n":%d}' % i)
        r = run([ARGS.redrive, "--from", dlq, "--to", main], self.env())
        self.assertEqual(r.stdout.strip(), b"3")
        r = run([ARGS.redrive, "--from", dlq, "--to", main],
                self.env(secret="bad"), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"403", r.stderr)


class NoAuthServer:
    """For a TestCase: one moto_server without auth for the class, boto3
    clients of it, and the environment the commands need."""

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer(auth=False)
        cls.s3 = boto("s3", cls.server.url)
        cls.sqs = boto("sqs", cls.server.url)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def env(self, **extra):
        return tool_env(self.server.url, "test", "test", extra)

    def bucket(self, name):
        self.s3.create_bucket(Bucket=name)
        return name


class NoAuthTest(NoAuthServer, TempFiles, unittest.TestCase):
    """Key encoding, pagination, size limits and redrive."""

    def test_awkward_keys_round_trip(self):
        b = self.bucket("awkward")
        for i, key in enumerate(AWKWARD_KEYS):
            data = ("object %d: %s" % (i, key)).encode()
            cli(self.env(), "put", b, key, self.write("in", data),
                "image/png", "max-age=%d" % i)
            # Stored under exactly that name, as another client sees it.
            obj = self.s3.get_object(Bucket=b, Key=key)
            self.assertEqual(obj["Body"].read(), data, key)
            self.assertEqual(obj["CacheControl"], "max-age=%d" % i)
            cli(self.env(), "get", b, key, self.path("out"))
            self.assertEqual(self.read("out"), data, key)
            r = cli(self.env(), "head", b, key)
            self.assertEqual(json.loads(r.stdout)["size"], len(data))
        r = cli(self.env(), "list", b, "", "3")
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(sorted(keys), sorted(AWKWARD_KEYS))
        r = cli(self.env(), "list", b, "dir/sub dir/")
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(keys, ["dir/sub dir/a+b%c~d \u00e9.gif"])

    def test_pagination_over_1000_keys(self):
        b = self.bucket("many")
        expected = ["k/%05d" % i for i in range(1105)]
        with concurrent.futures.ThreadPoolExecutor(PUT_THREADS) as pool:
            list(pool.map(lambda k: self.s3.put_object(Bucket=b, Key=k,
                                                       Body=b""), expected))
        r = cli(self.env(), "list", b)  # service default: 1000 per page
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(keys, expected)
        r = cli(self.env(), "list", b, "k/010", "7")
        keys = [json.loads(l)["key"] for l in r.stdout.splitlines()]
        self.assertEqual(keys, ["k/%05d" % i for i in range(1000, 1100)])

    def test_max_size(self):
        b = self.bucket("sizes")
        data = os.urandom(100000)
        self.s3.put_object(Bucket=b, Key="big", Body=data)
        r = cli(self.env(), "get", b, "big", self.path("o"), "99999",
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("error too large|", r.stderr.decode())
        self.assertFalse(os.path.exists(self.path("o")))
        cli(self.env(), "get", b, "big", self.path("o"), "100000")
        self.assertEqual(self.read("o"), data)

    def test_unreachable_endpoint_retries_then_fails(self):
        env = tool_env("http://127.0.0.1:%d" % free_port(), "a", "b")
        t0 = time.monotonic()
        r = cli(env, "head", "x", "y", check=False)
        self.assertEqual(r.returncode, 1)
        fields = r.stderr.decode().split("|")
        self.assertTrue(fields[0].endswith("transport error"), fields)
        self.assertEqual(fields[3], "4")  # S3_DEFAULT_MAX_ATTEMPTS
        self.assertLess(time.monotonic() - t0, 10)

    def test_redrive(self):
        dlq = self.sqs.create_queue(QueueName="dlq")["QueueUrl"]
        main = self.sqs.create_queue(QueueName="main")["QueueUrl"]
        bodies = ['{"n":%d,"key":"a b+\u00e9"}' % i for i in range(23)]
        for b in bodies:
            self.sqs.send_message(QueueUrl=dlq, MessageBody=b)
        r = run([ARGS.redrive, "--from", dlq, "--to", main, "--max", "5"],
                self.env())
        self.assertEqual(r.stdout.strip(), b"5")
        r = run([ARGS.redrive, "--from", dlq, "--to", main], self.env())
        self.assertEqual(r.stdout.strip(), b"18")
        got = []
        while True:
            msgs = self.sqs.receive_message(
                QueueUrl=main, MaxNumberOfMessages=10).get("Messages", [])
            if not msgs:
                break
            for m in msgs:
                got.append(m["Body"])
                self.sqs.delete_message(QueueUrl=main,
                                        ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(sorted(got), sorted(bodies))
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages",
                                          "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attrs["Attributes"]["ApproximateNumberOfMessages"],
                         "0")
        self.assertEqual(
            attrs["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "0")
        r = run([ARGS.redrive, "--from", dlq, "--to", dlq], self.env(),
                check=False)
        self.assertEqual(r.returncode, 2)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--redrive", required=True)
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
