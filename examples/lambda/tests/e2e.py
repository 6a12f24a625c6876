#!/usr/bin/env python3
"""End-to-end test of the Lambda runtime, all on 127.0.0.1.

Two moto_server instances (S3, SQS, IAM):
  - "auth": SigV4 really checked (INITIAL_NO_AUTH_ACTION_COUNT, then an IAM
    user and access key made through moto's IAM API). bootstrap thumbnails
    an upload from a direct S3 notification with that key; with a wrong
    secret it must fail with S3 access denied (403). moto in auth mode
    rejects keys that need percent-encoding, hence the second instance.
  - "open": any signature accepted. Source and destination buckets, a queue
    with a dead-letter queue (redrive after MAX_RECEIVES receives), an
    S3 -> SQS notification (moto sends s3:TestEvent and real notifications).
    Good and bad corpus images are uploaded under awkward keys; this script
    plays Lambda's event source mapping (receive, invoke bootstrap through
    the Runtime API emulator, delete what was not reported failed) until
    the queue is empty; then every good upload must have every thumbnail
    (size checked with Pillow, Content-Type, Cache-Control), every bad one
    must be in the DLQ after MAX_RECEIVES failures, nothing lost or
    duplicated, and the log and EMF lines must parse and add up. The
    on-demand (Function URL) mode, the recursion guard, the deadline and
    re-delivery are checked on the same instance.

Every process started here is killed on exit, failure or not.
"""

import argparse
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import boto3
from botocore.config import Config

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runtime_emulator import RuntimeEmulator  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
SIZES = "256x256,100x"
CACHE_CONTROL = "public, max-age=31536000, immutable"
TEMPLATE = "thumbnails/{size}/{key_stem}.{ext}"
SOURCE_PREFIX = "uploads/"
# Receives before SQS moves a message to the DLQ.
MAX_RECEIVES = 2
# Short, so that failed messages come back quickly.
VISIBILITY_TIMEOUT = 1
# The whole queue-draining phase must finish within this.
DRAIN_SECONDS = 180

GOOD = [
    # (corpus path, key under SOURCE_PREFIX)
    ("jpeg/2569067123_aca715a2ee_o.jpg", "a b+c%d é.jpg"),
    ("orientation/Portrait_6.jpg", "emoji 😀 #?/sideways.jpg"),
    ("png/Flag_of_the_Netherlands-alpha.png", "ü/ñ (1)&=;.png"),
    ("webp/4.webp", "x/y+z~'!.webp"),
    ("gif/porsche.gif", "日本語/猫 cat.gif"),
]
BAD = [
    ("bad/jpeg/truncated.jpg", "bad/truncated +.jpg"),
    ("bad/unsupported/8bit_depth.tiff", "bad/tiff %.tif"),
    ("bad/bomb/giant-image.jpg", "bad/giant 280MP.jpg"),
]


# Every source format against every output setting, through the S3-event
# path and the on-demand path: (corpus path, key, format, animated). The
# keys' stems differ, as one output format gives them all one extension.
FORMAT_SOURCES = [
    ("orientation/Landscape_1.jpg", "jpeg still.jpg", "jpeg", False),
    ("png/Flag_of_the_Netherlands-alpha.png", "png still.png", "png", False),
    ("webp/4.webp", "webp still.webp", "webp", False),
    ("gif/porsche.gif", "gif still.gif", "gif", False),
    ("gif/animated-loop-3.gif", "gif animated.gif", "gif", True),
    ("webp/rotating-squares.webp", "webp animated.webp", "webp", True),
    # Read, never written: auto gives JPEG (no alpha). AVIF is written.
    ("heif/RGB_8_chroma444.heif", "heif still.heic", "jpeg", False),
    ("heif/Chimera_8bit_cropped_480x256.avif", "avif still.avif", "avif",
     False),
    ("jxl/grayscale_jpeg.jxl", "jxl still.jxl", "jpeg", False),
]
# THUMB_FORMAT and format=: auto keeps the source's own format.
FORMAT_SETTINGS = ["auto", "jpeg", "png", "webp", "gif", "avif"]
# What each format is called in the key, in Content-Type and by Pillow;
# and its magic bytes, checked here rather than trusted to any decoder.
FORMATS = {
    "jpeg": ("jpg", "image/jpeg", "JPEG"),
    "png": ("png", "image/png", "PNG"),
    "webp": ("webp", "image/webp", "WEBP"),
    "gif": ("gif", "image/gif", "GIF"),
    # Pillow 9.4 cannot read AVIF: its bytes and avifdec say enough.
    "avif": ("avif", "image/avif", None),
}
FORMAT_SIZE = "64x64"


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Every child process, killed on exit whatever happens."""

    def __init__(self):
        self.procs = []

    def start(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.procs.append(p)
        return p

    def stop(self, p, timeout=5):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            self.stop(p)


def start_moto(procs, workdir, name, no_auth_count=None):
    port = free_port()
    env = dict(os.environ)
    env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    if no_auth_count is not None:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(no_auth_count)
    log = open(os.path.join(workdir, "moto-%s.log" % name), "wb")
    procs.start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                 "-p", str(port)], env=env, stdout=log, stderr=log)
    end = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            if time.monotonic() > end:
                raise Failure("moto_server %s did not start" % name)
            time.sleep(0.1)
    return "http://127.0.0.1:%d" % port


def client(service, endpoint, key_id="testing", secret="testing"):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id=key_id,
                        aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 1}))


class Bootstrap:
    """bootstrap under the Runtime API emulator, its stdout collected."""

    def __init__(self, procs, path, env):
        self.emu = RuntimeEmulator()
        full = {"PATH": "/usr/bin:/bin", "AWS_REGION": REGION,
                "AWS_LAMBDA_FUNCTION_NAME": "thumbs",
                "AWS_LAMBDA_RUNTIME_API": self.emu.address}
        full.update(env)
        self.procs = procs
        self.proc = procs.start([path], env=full, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        self.lines = []
        self.stderr = []
        self._threads = [
            threading.Thread(target=self._collect,
                             args=(self.proc.stdout, self.lines), daemon=True),
            threading.Thread(target=self._collect,
                             args=(self.proc.stderr, self.stderr),
                             daemon=True)]
        for t in self._threads:
            t.start()

    @staticmethod
    def _collect(stream, into):
        for line in stream:
            into.append(line.decode("utf-8", "replace").rstrip("\n"))

    def invoke(self, event, timeout_ms=60000):
        return self.emu.invoke(event, timeout_ms=timeout_ms,
                               process=self.proc)

    def close(self):
        if self.proc.poll() is None or any(t.is_alive()
                                           for t in self._threads):
            self.emu.close()
            self.procs.stop(self.proc)
            for t in self._threads:
                t.join(5)

    def records(self):
        """Stops the process, then returns every line it printed, split
        into logs and EMF (after the stop, so none is still in the pipe)."""
        self.close()
        logs, emf = [], []
        for line in self.lines:
            doc = json.loads(line)  # every stdout line must be JSON
            (emf if "_aws" in doc else logs).append(doc)
        return logs, emf


def image_info(pil_python, paths):
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run([pil_python, os.path.join(here, "imageinfo.py")] +
                         paths, check=True, capture_output=True)
    return json.loads(out.stdout)


def parse_sizes(text):
    sizes = []
    for s in text.split(","):
        w, _, h = s.partition("x")
        sizes.append((s, int(w or 0), int(h or 0)))
    return sizes


def expected_dims(src_w, src_h, box_w, box_h):
    """THUMB_FIT_INSIDE without enlarging: the image scaled to fit the box,
    an axis of 0 being free. Returns (w, h) and which axis is exact."""
    scales = []
    if box_w:
        scales.append(box_w / src_w)
    if box_h:
        scales.append(box_h / src_h)
    scale = min(scales + [1.0])
    return src_w * scale, src_h * scale


def check_thumbnail(s3, workdir, bucket, key, content_type):
    """Checks the stored headers and downloads the thumbnail."""
    head = s3.head_object(Bucket=bucket, Key=key)
    check(head["ContentType"] == content_type,
          "%s: Content-Type %s" % (key, head["ContentType"]))
    check(head.get("CacheControl") == CACHE_CONTROL,
          "%s: Cache-Control %r" % (key, head.get("CacheControl")))
    path = os.path.join(workdir, "thumb-%d" % abs(hash(key)))
    with open(path, "wb") as f:
        f.write(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    return path


# A shared decode may be finer than a single run's (thumbnail.h): such an
# output is not the single run's, but its pixels must be this close.
MIN_PSNR_DB = 45.0


def reference_runs(args, workdir, corpus_path, fmt, quality):
    out = tempfile.mkdtemp(dir=workdir)
    subprocess.run([args.reference, out, os.path.join(args.corpus,
                                                      corpus_path),
                    SIZES, fmt, quality], check=True)
    return lambda kind, i: open(os.path.join(out, "%s-%d" % (kind, i)),
                                "rb").read()


def check_against_reference(args, workdir, corpus_path, thumbs):
    """thumbs: the function's thumbnail files, in THUMB_SIZES order. Each
    must be byte for byte the library's thumb_run_many output with the
    function's options; and, made losslessly (PNG) so that encoding noise
    does not hide it, thumb_run_many's pixels must be a single thumb_run's
    or within MIN_PSNR_DB. Returns how many thumbnails are byte for byte
    their single run's."""
    ref = reference_runs(args, workdir, corpus_path, "webp", "80")
    identical = 0
    for i, path in enumerate(thumbs):
        got = open(path, "rb").read()
        check(got == ref("many", i), "%s size %d: not the bytes of "
              "thumb_run_many" % (corpus_path, i))
        identical += got == ref("single", i)
    ref = reference_runs(args, workdir, corpus_path, "png", "80")
    pairs = []
    for i in range(len(thumbs)):
        if ref("single", i) != ref("many", i):
            for kind in ("single", "many"):
                path = os.path.join(workdir, "%s-%d.png" % (kind, i))
                open(path, "wb").write(ref(kind, i))
                pairs.append(path)
    if pairs:
        res = subprocess.run([args.pil_python, os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "psnr.py")] + pairs,
            check=True, capture_output=True)
        for db, path in zip(json.loads(res.stdout), pairs[0::2]):
            check(db >= MIN_PSNR_DB, "%s %s: %.1f dB from its single run" %
                  (corpus_path, path, db))
    return identical


def check_dims(key, got_w, got_h, src_w, src_h, box_w, box_h):
    want_w, want_h = expected_dims(src_w, src_h, box_w, box_h)
    # Rounding differs between resizers by at most one pixel.
    check(abs(got_w - want_w) <= 1 and abs(got_h - want_h) <= 1,
          "%s: %dx%d, expected about %.1fx%.1f from %dx%d in %sx%s" %
          (key, got_w, got_h, want_w, want_h, src_w, src_h, box_w, box_h))
    check((not box_w or got_w <= box_w) and (not box_h or got_h <= box_h),
          "%s: %dx%d outside the box %sx%s" % (key, got_w, got_h, box_w,
                                               box_h))


def sqs_event(queue_arn, messages):
    """The event Lambda's SQS event source mapping sends."""
    return {"Records": [{
        "messageId": m["MessageId"],
        "receiptHandle": m["ReceiptHandle"],
        "body": m["Body"],
        "attributes": m.get("Attributes", {}),
        "messageAttributes": {},
        "md5OfBody": m["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    } for m in messages]}


def s3_event(bucket, key, size):
    """A direct S3 notification, key form-encoded as S3 sends it."""
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket},
               "object": {"key": urllib.parse.quote_plus(key, safe="/"),
                          "size": size}}}]}


def url_event(path_key, query, accept):
    return {"version": "2.0", "routeKey": "$default",
            "rawPath": "/" + urllib.parse.quote(path_key),
            "rawQueryString": query,
            "headers": {"accept": accept} if accept else {},
            "requestContext": {"http": {"method": "GET",
                                        "path": "/" + path_key}},
            "isBase64Encoded": False}


def thumbnail_config(src, dst):
    return {"THUMB_SOURCE_BUCKET": src, "THUMB_DEST_BUCKET": dst,
            "THUMB_SOURCE_PREFIX": SOURCE_PREFIX, "THUMB_SIZES": SIZES,
            "THUMB_ONDEMAND_SIZES": "64x64,320x240",
            "THUMB_FORMAT": "webp", "THUMB_QUALITY": "80",
            "THUMB_KEY_TEMPLATE": TEMPLATE,
            "THUMB_CACHE_CONTROL": CACHE_CONTROL,
            "THUMB_MAX_PIXELS": "50000000",
            "THUMB_MIN_REMAINING_MS": "1000"}


def open_env(endpoint, src, dst):
    """bootstrap's environment against an open moto_server."""
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_ENDPOINT_URL_S3": endpoint}
    env.update(thumbnail_config(src, dst))
    return env


def moto_with_sources(procs, workdir, name, corpus, sources):
    """An open moto_server with buckets src and dst, and each corpus file
    of sources [(corpus path, key under SOURCE_PREFIX)] uploaded to src.
    Returns its endpoint and an S3 client."""
    endpoint = start_moto(procs, workdir, name)
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket="src")
    s3.create_bucket(Bucket="dst")
    for path, key in sources:
        with open(os.path.join(corpus, path), "rb") as f:
            s3.put_object(Bucket="src", Key=SOURCE_PREFIX + key, Body=f.read())
    return endpoint, s3


def thumb_key(src_key, size_name, ext="webp"):
    stem = src_key.rsplit(".", 1)[0]
    return TEMPLATE.format(size=size_name, key_stem=stem, ext=ext)


# ---- phase 1: SigV4 really checked ----

def phase_auth(procs, args, workdir):
    endpoint = start_moto(procs, workdir, "auth", no_auth_count=3)
    iam = client("iam", endpoint)
    iam.create_user(UserName="thumbs")
    iam.put_user_policy(UserName="thumbs", PolicyName="all",
                        PolicyDocument=json.dumps({
                            "Version": "2012-10-17",
                            "Statement": [{"Effect": "Allow", "Action": "*",
                                           "Resource": "*"}]}))
    key = iam.create_access_key(UserName="thumbs")["AccessKey"]
    kid, secret = key["AccessKeyId"], key["SecretAccessKey"]
    s3 = client("s3", endpoint, kid, secret)
    s3.create_bucket(Bucket="auth-src")
    s3.create_bucket(Bucket="auth-dst")
    data = open(os.path.join(args.corpus, "orientation/Landscape_1.jpg"),
                "rb").read()
    src_key = SOURCE_PREFIX + "landscape.jpg"
    s3.put_object(Bucket="auth-src", Key=src_key, Body=data)
    # Auth is on: anonymous-looking (wrong) credentials are refused.
    try:
        client("s3", endpoint, kid, "wrong").list_objects_v2(Bucket="auth-src")
        raise Failure("moto accepted a wrong secret: auth mode is off")
    except s3.exceptions.ClientError as e:
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 403,
              "boto3 with a wrong secret: %s" % e)

    env = {"AWS_ACCESS_KEY_ID": kid, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_ENDPOINT_URL_S3": endpoint}
    env.update(thumbnail_config("auth-src", "auth-dst"))
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        res = bs.invoke(s3_event("auth-src", src_key, len(data)))
        check(res.kind == "response",
              "signed S3 event: %s %s" % (res.kind, res.body))
    finally:
        bs.close()
    for size, _, _ in parse_sizes(SIZES):
        s3.head_object(Bucket="auth-dst", Key=thumb_key(src_key, size))

    env["AWS_SECRET_ACCESS_KEY"] = "wrong" + secret
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        res = bs.invoke(s3_event("auth-src", src_key, len(data)))
        check(res.kind == "error", "wrong secret: %s" % res.kind)
        check(res.headers.get("Lambda-Runtime-Function-Error-Type")
              == "ThumbnailFailed", "error type %s" % res.headers)
        logs, emf = bs.records()
        errors = [r for r in logs if r.get("outcome") == "error"]
        check(len(errors) == 1 and errors[0]["errorClass"] == "s3_access"
              and "403" in errors[0]["errorMessage"],
              "wrong secret: log %s" % errors)
        check(len(emf) == 1 and emf[0]["ErrorClass"] == "s3_access",
              "wrong secret: EMF %s" % emf)
    finally:
        bs.close()
    print("auth: SigV4 accepted with the IAM key, 403 with a wrong secret")


# ---- phase 2: queue, notifications, awkward keys, DLQ ----

def make_queue(sqs, name, visibility_timeout, max_receives):
    """A queue with a dead-letter queue: (url, ARN, DLQ url)."""
    dlq_url = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(
        QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    q_url = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": str(visibility_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                     "maxReceiveCount": str(max_receives)})
    })["QueueUrl"]
    q_arn = sqs.get_queue_attributes(
        QueueUrl=q_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return q_url, q_arn, dlq_url


def clean_environment():
    """Nothing of the caller's AWS or THUMB_ settings leaks into a test."""
    for var in [v for v in os.environ if v.startswith(("AWS_", "THUMB_"))]:
        del os.environ[var]
    os.environ["AWS_DEFAULT_REGION"] = REGION


def setup_open(endpoint, visibility_timeout=VISIBILITY_TIMEOUT,
               max_receives=MAX_RECEIVES):
    s3 = client("s3", endpoint)
    sqs = client("sqs", endpoint)
    s3.create_bucket(Bucket="src")
    s3.create_bucket(Bucket="dst")
    q_url, q_arn, dlq_url = make_queue(sqs, "thumbs", visibility_timeout,
                                       max_receives)
    s3.put_bucket_notification_configuration(
        Bucket="src", NotificationConfiguration={"QueueConfigurations": [{
            "QueueArn": q_arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [
                {"Name": "prefix", "Value": SOURCE_PREFIX}]}}}]})
    return s3, sqs, q_url, q_arn, dlq_url


def drain(bs, sqs, q_url, q_arn):
    """Plays the SQS event source mapping until the queue is empty.
    Returns how many invocations were made and the test events seen."""
    end = time.monotonic() + DRAIN_SECONDS
    invocations = 0
    while True:
        check(time.monotonic() < end, "queue not drained in time")
        got = sqs.receive_message(QueueUrl=q_url, MaxNumberOfMessages=10,
                                  WaitTimeSeconds=1, AttributeNames=["All"])
        msgs = got.get("Messages", [])
        if not msgs:
            attrs = sqs.get_queue_attributes(QueueUrl=q_url, AttributeNames=[
                "ApproximateNumberOfMessages",
                "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            if (attrs["ApproximateNumberOfMessages"] == "0" and
                    attrs["ApproximateNumberOfMessagesNotVisible"] == "0"):
                return invocations
            continue
        res = bs.invoke(sqs_event(q_arn, msgs))
        invocations += 1
        check(res.kind == "response", "SQS batch: %s %s" % (res.kind,
                                                            res.body))
        failures = {f["itemIdentifier"]
                    for f in res.json()["batchItemFailures"]}
        ids = {m["MessageId"] for m in msgs}
        check(failures <= ids, "failures name unknown messages: %s" %
              (failures - ids))
        done = [m for m in msgs if m["MessageId"] not in failures]
        if done:
            sqs.delete_message_batch(QueueUrl=q_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(done)])


def body_keys(body):
    """Decoded keys of an S3 notification body ([] for s3:TestEvent)."""
    doc = json.loads(body)
    return [urllib.parse.unquote_plus(r["s3"]["object"]["key"])
            for r in doc.get("Records", [])]


def peek_keys(sqs, url):
    """The keys of every message in a queue, leaving them there (a
    visibility timeout of 0 hides nothing)."""
    seen = {}
    for _ in range(5):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                  VisibilityTimeout=0)
        for m in got.get("Messages", []):
            seen[m["MessageId"]] = body_keys(m["Body"])
    return [k for keys in seen.values() for k in keys]


def phase_queue(procs, args, workdir, endpoint):
    s3, sqs, q_url, q_arn, dlq_url = setup_open(endpoint)
    sources = {}
    for corpus_path, key in GOOD + BAD:
        data = open(os.path.join(args.corpus, corpus_path), "rb").read()
        s3.put_object(Bucket="src", Key=SOURCE_PREFIX + key, Body=data)
        sources[SOURCE_PREFIX + key] = corpus_path
    # Outside the trigger's prefix: no notification, no thumbnail.
    s3.put_object(Bucket="src", Key="elsewhere/ignored.jpg", Body=b"x")

    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_SESSION_TOKEN": "session-token-as-on-lambda",
           "AWS_ENDPOINT_URL_S3": endpoint}
    env.update(thumbnail_config("src", "dst"))
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        invocations = drain(bs, sqs, q_url, q_arn)
        logs, emf = bs.records()
    finally:
        bs.close()
    check(invocations > 0, "no invocation at all")

    good_keys = {SOURCE_PREFIX + k for _, k in GOOD}
    bad_keys = {SOURCE_PREFIX + k for _, k in BAD}
    sizes = parse_sizes(SIZES)

    # Destination: exactly the expected thumbnails, nothing else.
    listed = [o["Key"] for page in s3.get_paginator("list_objects_v2")
              .paginate(Bucket="dst") for o in page.get("Contents", [])]
    want = {thumb_key(k, s[0]) for k in good_keys for s in sizes}
    check(sorted(listed) == sorted(want),
          "destination keys: missing %s, unexpected %s" %
          (sorted(want - set(listed)), sorted(set(listed) - want)))

    # Every thumbnail: headers, format, dimensions.
    paths, meta = [], []
    for src_key in sorted(good_keys):
        for name, bw, bh in sizes:
            key = thumb_key(src_key, name)
            paths.append(check_thumbnail(s3, workdir, "dst", key,
                                         "image/webp"))
            meta.append((key, src_key, bw, bh))
    src_paths = [os.path.join(args.corpus, sources[k])
                 for k in sorted(good_keys)]
    info = image_info(args.pil_python, paths + src_paths)
    src_info = {k: info[os.path.join(args.corpus, sources[k])]
                for k in good_keys}
    for path, (key, src_key, bw, bh) in zip(paths, meta):
        fmt, w, h = info[path][:3]
        check(fmt == "WEBP", "%s is %s" % (key, fmt))
        uw, uh = src_info[src_key][3:5]
        check_dims(key, w, h, uw, uh, bw, bh)
    # One decode for every size: the bytes of thumb_run_many, and those of
    # single runs (or as good).
    identical = 0
    for src_key in sorted(good_keys):
        identical += check_against_reference(
            args, workdir, sources[src_key],
            [paths[meta.index(m)] for m in meta if m[1] == src_key])

    # DLQ: exactly the bad uploads, each once.
    dlq_keys = peek_keys(sqs, dlq_url)
    check(sorted(dlq_keys) == sorted(bad_keys),
          "DLQ holds %s, expected %s" % (sorted(dlq_keys), sorted(bad_keys)))

    # Logs and metrics add up: every good object thumbnailed once, every
    # bad one failed once per receive.
    per_object = [r for r in logs if r.get("msg") == "thumbnail"]
    ok = [r for r in per_object if r["outcome"] == "ok"]
    failed = [r for r in per_object if r["outcome"] == "error"]
    check(sorted(r["key"] for r in ok) == sorted(good_keys),
          "ok log lines for %s" % sorted(r["key"] for r in ok))
    for k in bad_keys:
        n = sum(1 for r in failed if r["key"] == k)
        check(n == MAX_RECEIVES, "%s failed %d times, expected %d" %
              (k, n, MAX_RECEIVES))
    check(len(failed) == MAX_RECEIVES * len(bad_keys),
          "unexpected failures: %s" % failed)
    classes = {r["key"]: r["errorClass"] for r in failed}
    check(classes[SOURCE_PREFIX + "bad/truncated +.jpg"] == "corrupt" and
          classes[SOURCE_PREFIX + "bad/tiff %.tif"] == "unsupported_format"
          and classes[SOURCE_PREFIX + "bad/giant 280MP.jpg"] == "limit",
          "error classes %s" % classes)
    for r in ok:
        check(r["requestId"] and r["bucket"] == "src" and
              len(r["outputs"]) == len(sizes) and r["inputBytes"] > 0 and
              r["outputBytes"] == sum(o["bytes"] for o in r["outputs"]) and
              all(r[k] >= 0 for k in ("getMs", "decodeMs", "resizeMs",
                                      "encodeMs", "putMs", "totalMs")),
              "log line %s" % r)
    test_events = [r for r in logs if r.get("msg") == "s3:TestEvent ignored"]
    check(len(test_events) >= 1, "no s3:TestEvent seen")
    check(len(emf) == len(per_object), "%d EMF lines for %d objects" %
          (len(emf), len(per_object)))
    check(sum(d["Thumbnails"] for d in emf if "Thumbnails" in d)
          == len(good_keys) * len(sizes), "EMF Thumbnails sum")
    check(sum(d["Errors"] for d in emf) == len(failed), "EMF Errors sum")
    # The decode counted once per object, each output once.
    check(sum(d["Decodes"] for d in emf if d["Errors"] == 0)
          == len(good_keys), "EMF Decodes sum")
    check(all(d["OutputErrors"] == 0 and d["ClientErrors"] == 0 and
              d["Refused"] == 0 for d in emf), "EMF other counts")
    for d in emf:
        directive = d["_aws"]["CloudWatchMetrics"][0]
        for m in directive["Metrics"]:
            check(isinstance(d[m["Name"]], (int, float)),
                  "EMF metric %s has no value" % m["Name"])
        for dims in directive["Dimensions"]:
            for dim in dims:
                check(isinstance(d.get(dim), str), "EMF dimension %s" % dim)
    print("queue: %d good uploads -> %d thumbnails, %d bad -> DLQ after %d "
          "receives, %d invocations, %d log + %d EMF lines" %
          (len(good_keys), len(want), len(bad_keys), MAX_RECEIVES,
           invocations, len(logs), len(emf)))
    print("one decode: %d thumbnails = thumb_run_many's bytes; %d equal "
          "their single run, the rest within %.0f dB" %
          (len(want), identical, MIN_PSNR_DB))
    return s3, sqs, q_url, q_arn, dlq_url, env, sources


# ---- phase 3: re-delivery, deadline, on-demand, recursion guard ----

def phase_invocations(procs, args, workdir, endpoint, ctx):
    s3, sqs, q_url, q_arn, dlq_url, env, sources = ctx
    good_key = SOURCE_PREFIX + GOOD[0][1]
    bad_key = SOURCE_PREFIX + BAD[0][1]
    sizes = parse_sizes(SIZES)
    before = {o["Key"]: o["ETag"] for o in
              s3.list_objects_v2(Bucket="dst")["Contents"]}
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        # Re-delivery of a processed notification: same keys, same bytes.
        size = s3.head_object(Bucket="src", Key=good_key)["ContentLength"]
        ev = s3_event("src", good_key, size)
        res = bs.invoke(ev)
        check(res.kind == "response", "re-delivery: %s" % res.body)
        after = {o["Key"]: o["ETag"] for o in
                 s3.list_objects_v2(Bucket="dst")["Contents"]}
        check(after == before, "re-delivery changed the destination")

        # A batch with a good and a bad message: only the bad one reported.
        fake = [{"MessageId": "good-1", "ReceiptHandle": "r1",
                 "MD5OfBody": "", "Body": json.dumps(ev)},
                {"MessageId": "bad-1", "ReceiptHandle": "r2", "MD5OfBody": "",
                 "Body": json.dumps(s3_event("src", bad_key, 1))},
                {"MessageId": "junk-1", "ReceiptHandle": "r3",
                 "MD5OfBody": "", "Body": "not json"}]
        res = bs.invoke(sqs_event(q_arn, fake))
        check(res.kind == "response" and res.json() == {
            "batchItemFailures": [{"itemIdentifier": "bad-1"},
                                  {"itemIdentifier": "junk-1"}]},
            "mixed batch: %s" % res.body)

        # Messages retrying can never help: refused, reported done (so
        # they never reach the DLQ), counted as Refused.
        own = thumb_key(good_key, sizes[0][0])
        refused = [{"MessageId": "own-1", "ReceiptHandle": "r4",
                    "MD5OfBody": "",
                    "Body": json.dumps(s3_event("dst", own, 1))},
                   {"MessageId": "outside-1", "ReceiptHandle": "r5",
                    "MD5OfBody": "",
                    "Body": json.dumps(s3_event("src", "elsewhere/x.jpg",
                                                1))}]
        res = bs.invoke(sqs_event(q_arn, refused))
        check(res.kind == "response" and res.json() == {
            "batchItemFailures": []}, "refused batch: %s" % res.body)

        # Too little time left: not started, reported failed.
        res = bs.invoke(sqs_event(q_arn, fake[:1]), timeout_ms=200)
        check(res.kind == "response" and res.json() == {
            "batchItemFailures": [{"itemIdentifier": "good-1"}]},
            "deadline: %s" % res.body)

        # On demand: allowed sizes only, AVIF before WebP when accepted.
        path_key = good_key
        res = bs.invoke(url_event(path_key, "width=320&height=240",
                                  "image/avif,image/webp,*/*"))
        doc = res.json()
        check(doc["statusCode"] == 200 and
              doc["headers"]["Content-Type"] == "image/avif" and
              sniff(base64.b64decode(doc["body"])) == "avif",
              "on-demand AVIF: %s" % doc["headers"])
        res = bs.invoke(url_event(path_key, "width=320&height=240",
                                  "image/webp,*/*"))
        doc = res.json()
        check(doc["statusCode"] == 200, "on-demand: %s" % doc.get("body"))
        h = doc["headers"]
        check(h["Content-Type"] == "image/webp" and
              h["Cache-Control"] == CACHE_CONTROL and h["Vary"] == "Accept"
              and doc["isBase64Encoded"], "on-demand headers %s" % h)
        webp = os.path.join(workdir, "ondemand.webp")
        open(webp, "wb").write(base64.b64decode(doc["body"]))
        res = bs.invoke(url_event(path_key, "width=64&height=64&fit=cover",
                                  "image/jpeg,image/*"))
        doc = res.json()
        check(doc["statusCode"] == 200 and
              doc["headers"]["Content-Type"] == "image/jpeg",
              "on-demand without WebP: %s" % doc["headers"])
        jpeg = os.path.join(workdir, "ondemand.jpg")
        open(jpeg, "wb").write(base64.b64decode(doc["body"]))
        src = os.path.join(args.corpus, GOOD[0][0])
        info = image_info(args.pil_python, [webp, jpeg, src])
        uw, uh = info[src][3:5]
        check(info[webp][0] == "WEBP", "on-demand format %s" % info[webp])
        check_dims("on-demand webp", info[webp][1], info[webp][2], uw, uh,
                   320, 240)
        check(info[jpeg][:3] == ["JPEG", 64, 64],
              "on-demand cover %s" % info[jpeg])
        for query, accept, status in [
                ("width=300&height=300", "image/webp", 400),  # not allowed
                ("width=64&height=64&v=2", "image/webp", 400),
                ("width=64", "image/webp", 400)]:
            doc = bs.invoke(url_event(path_key, query, accept)).json()
            check(doc["statusCode"] == status, "%s: %s" % (query, doc))
        doc = bs.invoke(url_event(SOURCE_PREFIX + "missing.jpg",
                                  "width=64&height=64", "")).json()
        check(doc["statusCode"] == 404, "missing: %s" % doc)
        doc = bs.invoke(url_event(bad_key, "width=64&height=64", "")).json()
        check(doc["statusCode"] == 422, "corrupt: %s" % doc)

        # Not an event at all: an invocation error, the loop goes on.
        res = bs.invoke(b"[1,2,3]")
        check(res.kind == "error" and res.headers.get(
            "Lambda-Runtime-Function-Error-Type") == "InvalidEvent",
            "bad event: %s" % res.kind)
        res = bs.invoke(ev)
        check(res.kind == "response", "after a bad event: %s" % res.kind)
        logs, emf = bs.records()
    finally:
        bs.close()
    traced = [r for r in logs if r.get("msg") == "thumbnail"]
    check(all(r["requestId"] for r in traced), "request ids in logs")
    # Refused and client errors never count as Errors.
    by_class = {}
    for d in emf:
        for metric in ("Errors", "ClientErrors", "Refused"):
            if d[metric]:
                by_class.setdefault(metric, []).append(d["ErrorClass"])
    check(sorted(by_class.get("Refused", [])) ==
          ["recursion_guard", "unexpected_source"],
          "Refused: %s" % by_class)
    check(sorted(by_class.get("ClientErrors", [])) ==
          ["corrupt", "s3_not_found"], "ClientErrors: %s" % by_class)
    check(sorted(by_class.get("Errors", [])) == ["corrupt", "deadline"],
          "Errors: %s" % by_class)
    print("invocations: re-delivery idempotent, batchItemFailures exact, "
          "deadline honoured, refused messages dropped, on-demand "
          "200/400/404/422 as expected, 4xx counted as ClientErrors")

    # Recursion guard: writing where the trigger listens is refused at
    # start, through /init/error.
    guard_env = dict(env)
    guard_env.update({"THUMB_DEST_BUCKET": "src",
                      "THUMB_KEY_TEMPLATE": SOURCE_PREFIX + "t/{size}/{key}"})
    bs = Bootstrap(procs, args.bootstrap, guard_env)
    try:
        check(bs.emu.init_error_event.wait(10), "no init error")
        check(bs.proc.wait(10) != 0, "bootstrap went on after an init error")
        headers, body = bs.emu.init_error
        doc = json.loads(body)
        check(doc["errorType"] == "InvalidConfiguration" and
              "recursion guard" in doc["errorMessage"],
              "init error %s" % doc)
    finally:
        bs.close()
    print("recursion guard: refused at init")


# ---- phase 3b: every source format x every output setting ----

def sniff(data):
    """The format of an encoded image from its first bytes, None if none."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] == b"ftypavif":
        return "avif"
    return None


def s3_event_records(bucket, objects):
    """One S3 notification naming several objects: [(key, size)]."""
    event = {"Records": []}
    for key, size in objects:
        event["Records"] += s3_event(bucket, key, size)["Records"]
    return event


def phase_formats(procs, args, workdir, endpoint):
    """With THUMB_FORMAT (S3 events) or format= (on demand) set to each
    setting, every source gives a thumbnail whose key extension,
    Content-Type (on S3 and in the HTTP response) and bytes all name the
    same format: the setting's, or with auto the source's own (a GIF stays
    a GIF, an animated one animated)."""
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket="fmt-src")
    objects = []
    for corpus_path, key, _, _ in FORMAT_SOURCES:
        data = open(os.path.join(args.corpus, corpus_path), "rb").read()
        s3.put_object(Bucket="fmt-src", Key=SOURCE_PREFIX + key, Body=data)
        objects.append((SOURCE_PREFIX + key, len(data)))
    outputs = []  # (what, path, expected format, animated)
    for setting in FORMAT_SETTINGS:
        dst = "fmt-" + setting
        s3.create_bucket(Bucket=dst)
        env = {"AWS_ACCESS_KEY_ID": "testing",
               "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_ENDPOINT_URL_S3": endpoint}
        env.update(thumbnail_config("fmt-src", dst))
        env.update({"THUMB_SIZES": FORMAT_SIZE,
                    "THUMB_ONDEMAND_SIZES": FORMAT_SIZE,
                    "THUMB_FORMAT": setting})
        bs = Bootstrap(procs, args.bootstrap, env)
        try:
            res = bs.invoke(s3_event_records("fmt-src", objects))
            check(res.kind == "response",
                  "THUMB_FORMAT=%s: %s %s" % (setting, res.kind, res.body))
            for corpus_path, key, src_format, animated in FORMAT_SOURCES:
                want = src_format if setting == "auto" else setting
                ext, mime, _ = FORMATS[want]
                what = "%s -> %s" % (corpus_path, setting)
                # The S3-event path: key, stored Content-Type, body.
                tkey = thumb_key(SOURCE_PREFIX + key, FORMAT_SIZE, ext)
                listed = [o["Key"] for o in s3.list_objects_v2(
                    Bucket=dst).get("Contents", [])]
                check(tkey in listed, "%s: no %s in %s" % (what, tkey,
                                                             listed))
                path = check_thumbnail(s3, workdir, dst, tkey, mime)
                check(sniff(open(path, "rb").read()) == want,
                      "%s: %s does not sniff as %s" % (what, tkey, want))
                outputs.append(("S3 " + what, path, want, animated))
                # The on-demand path: status, headers, body.
                w, _, h = FORMAT_SIZE.partition("x")
                doc = bs.invoke(url_event(
                    SOURCE_PREFIX + key,
                    "width=%s&height=%s&format=%s" % (w, h, setting),
                    "")).json()
                check(doc["statusCode"] == 200,
                      "on-demand %s: %s" % (what, doc.get("body")))
                check(doc["headers"]["Content-Type"] == mime,
                      "on-demand %s: Content-Type %s" %
                      (what, doc["headers"]["Content-Type"]))
                body = base64.b64decode(doc["body"])
                check(sniff(body) == want, "on-demand %s: body sniffs as %s"
                      % (what, sniff(body)))
                path = os.path.join(workdir, "ondemand-%s-%s" % (setting,
                                                                 key))
                open(path, "wb").write(body)
                outputs.append(("on-demand " + what, path, want, animated))
        finally:
            bs.close()
        listed = [o["Key"] for o in s3.list_objects_v2(
            Bucket=dst).get("Contents", [])]
        check(len(listed) == len(FORMAT_SOURCES),
              "THUMB_FORMAT=%s wrote %s" % (setting, listed))
    # Pillow agrees on the format, and animation survives where the output
    # format animates.
    info = image_info(args.pil_python, [p for _, p, want, _ in outputs
                                        if FORMATS[want][2]])
    for what, path, want, animated in outputs:
        if not FORMATS[want][2]:
            out = subprocess.run(["avifdec", "--info", path],
                                 capture_output=True, text=True)
            check(out.returncode == 0 and "1 frame" in out.stdout,
                  "%s: avifdec: %s" % (what, out.stdout + out.stderr))
            continue
        fmt, frames = info[path][0], info[path][5]
        check(fmt == FORMATS[want][2], "%s: Pillow reads %s" % (what, fmt))
        keeps = animated and want in ("gif", "webp")
        check((frames > 1) == keeps, "%s: %d frames" % (what, frames))
    print("formats: %d sources x %d settings, S3 and on-demand: extension, "
          "Content-Type and bytes agree" % (len(FORMAT_SOURCES),
                                            len(FORMAT_SETTINGS)))


# ---- phase 4: reconcile and DLQ redrive ----

def run_tool(argv, env):
    full = {"PATH": "/usr/bin:/bin", "AWS_REGION": REGION}
    full.update(env)
    out = subprocess.run(argv, env=full, capture_output=True, timeout=120)
    check(out.returncode == 0, "%s: exit %d: %s" % (
        os.path.basename(argv[0]), out.returncode,
        out.stderr.decode(errors="replace")))
    return [json.loads(line) for line in out.stdout.decode().splitlines()
            if line.strip()]


def phase_recover(procs, args, workdir, endpoint, ctx):
    s3, sqs, q_url, q_arn, dlq_url, env, sources = ctx
    tool_env = dict(env)
    tool_env["AWS_ENDPOINT_URL_SQS"] = endpoint
    sizes = parse_sizes(SIZES)
    lost_src = SOURCE_PREFIX + GOOD[3][1]
    lost = thumb_key(lost_src, sizes[1][0])
    s3.delete_object(Bucket="dst", Key=lost)
    bad_keys = {SOURCE_PREFIX + k for _, k in BAD}

    report = run_tool([args.reconcile], tool_env)
    reported = {r["key"]: r for r in report}
    check(set(reported) == bad_keys | {lost_src},
          "reconcile reported %s" % sorted(reported))
    check(reported[lost_src]["missing"] == [sizes[1][0]],
          "reconcile: %s" % reported[lost_src])

    # Re-enqueue what is missing; the normal path makes it again (the bad
    # uploads fail again and go back to the DLQ).
    run_tool([args.reconcile, "--enqueue", q_url], tool_env)
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        drain(bs, sqs, q_url, q_arn)
    finally:
        bs.close()
    s3.head_object(Bucket="dst", Key=lost)
    # The first copies plus the re-enqueued ones.
    dlq = sorted(peek_keys(sqs, dlq_url))
    check(dlq == sorted(list(bad_keys) * 2), "DLQ after reconcile: %s" % dlq)
    print("reconcile: found the deleted thumbnail and the bad uploads, "
          "--enqueue restored it")

    # "The fix is deployed": a pixel limit that admits the 280 MP image.
    fixed = dict(env)
    fixed["THUMB_MAX_PIXELS"] = "300000000"
    before = len(peek_keys(sqs, dlq_url))
    run_tool([args.redrive, "--from", dlq_url, "--to", q_url], tool_env)
    check(peek_keys(sqs, dlq_url) == [], "DLQ not empty after redrive")
    bs = Bootstrap(procs, args.bootstrap, fixed)
    try:
        drain(bs, sqs, q_url, q_arn)
    finally:
        bs.close()
    giant = SOURCE_PREFIX + BAD[2][1]
    for name, _, _ in sizes:
        s3.head_object(Bucket="dst", Key=thumb_key(giant, name))
    still_bad = bad_keys - {giant}
    dlq = sorted(peek_keys(sqs, dlq_url))
    check(dlq == sorted(list(still_bad) * 2), "DLQ after redrive: %s" % dlq)
    report = run_tool([args.reconcile], tool_env)
    check({r["key"] for r in report} == still_bad,
          "reconcile after the fix: %s" % [r["key"] for r in report])
    print("redrive: %d DLQ messages back to the queue; after the fix the "
          "280 MP upload has its thumbnails, the 2 broken files are back in "
          "the DLQ" % before)


def service_arguments():
    """The arguments every service test takes: the programs under test
    and the corpus. Returns the parser, for a test to add its own."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--pil-python", default="/usr/bin/python3")
    ap.add_argument("--reconcile", required=True)
    ap.add_argument("--redrive", required=True)
    ap.add_argument("--reference", required=True)
    return ap


def main():
    args = service_arguments().parse_args()
    check(os.path.isfile(os.path.join(args.corpus, "MANIFEST.tsv")),
          "corpus missing at %s" % args.corpus)
    clean_environment()
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        try:
            phase_auth(procs, args, workdir)
            endpoint = start_moto(procs, workdir, "open")
            ctx = phase_queue(procs, args, workdir, endpoint)
            phase_invocations(procs, args, workdir, endpoint, ctx)
            phase_formats(procs, args, workdir, endpoint)
            phase_recover(procs, args, workdir, endpoint, ctx)
        except Exception:
            for name in sorted(os.listdir(workdir)):
                if name.startswith("moto-"):
                    sys.stderr.write("---- %s (tail)\n" % name)
                    with open(os.path.join(workdir, name), "rb") as f:
                        sys.stderr.write(f.read()[-3000:].decode(
                            "utf-8", "replace"))
            raise
    print("lambda e2e: all checks passed")


if __name__ == "__main__":
    main()
