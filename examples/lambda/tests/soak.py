#!/usr/bin/env python3
"""Fault-injection soak of the Lambda service, all on 127.0.0.1.

moto_server is S3 and SQS, with a real S3 -> SQS notification of
creations and removals and a dead-letter queue. bootstrap runs under the
Runtime API emulator and reaches S3 through fault_proxy.py, which injects
a fault (500, 503 SlowDown, connection reset, short body) into a random
FAULT_RATE of its requests, seeded. A writer thread uploads --uploads
objects (corpus images, corrupt files, overwrites of keys already
uploaded, deletions) while this script plays Lambda's SQS poller, and
kills bootstrap with SIGKILL in the middle of --kills random batches
(Lambda then starts a new process and SQS redelivers after the
visibility timeout).

Once the queue is empty: every upload that still exists has exactly its
thumbnails, the bytes of its latest version's; every deleted one has
none; nothing else is in the destination; every corrupt upload is in the
DLQ once and nothing else is; thumbnail-reconcile reports exactly the
corrupt ones; and once "the fix" is in (the corrupt objects replaced by
good ones) thumbnail-redrive replays the DLQ and reconcile reports
nothing. Prints throughput and p50/p99 per object.
"""

import collections
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from e2e import SOURCE_PREFIX, Bootstrap, Processes, check, client  # noqa
from fault_proxy import FaultProxy  # noqa: E402

# Small corpus images of every format, so that a soak of thousands of
# uploads is about the service and not the codecs.
GOOD = ["png/Flag_of_the_Netherlands-alpha.png", "gif/porsche.gif",
        "webp/4.webp", "orientation/Portrait_1.jpg", "jpeg/fox410.jpg"]
CORRUPT = ["bad/jpeg/truncated.jpg", "bad/jpeg/corrupt-header.jpg"]
FAULT_RATE = 0.10
FAULTS = [("status", 500, "InternalError"), ("status", 503, "SlowDown"),
          ("reset",), ("short",)]
# Of the uploads: corrupt files, overwrites of a key already uploaded,
# and deletions of one.
CORRUPT_SHARE = 0.03
OVERWRITE_SHARE = 0.15
DELETE_SHARE = 0.10
VISIBILITY_TIMEOUT = 4
MAX_RECEIVES = 5
INVOCATION_MS = 30000
# The queue must be empty within this many seconds per upload (moto on a
# loaded machine manages about one object a second), plus a minute.
DRAIN_SECONDS_PER_UPLOAD = 1.5
# How long all_keys() hides what it has read.
PEEK_HIDE_SECONDS = 120
# Chance that a batch is the one bootstrap is killed in, until --kills.
KILL_CHANCE = 0.15


class Ledger:
    """What the writer did, key by key: the corpus file of the latest
    upload, or None once deleted."""

    def __init__(self):
        self.latest = {}
        self.corrupt = set()
        self.lock = threading.Lock()
        self.done = threading.Event()


def writer(s3, args, rng, ledger, contents):
    """Uploads, overwrites and deletes, spread over the run."""
    keys = []
    for i in range(args.uploads):
        roll = rng.random()
        if roll < CORRUPT_SHARE:
            key = SOURCE_PREFIX + "bad/%05d.jpg" % i
            path = rng.choice(CORRUPT)
            with ledger.lock:
                ledger.corrupt.add(key)
                ledger.latest[key] = path
            s3.put_object(Bucket="src", Key=key, Body=contents[path])
            continue
        if keys and roll < CORRUPT_SHARE + DELETE_SHARE:
            key = rng.choice(keys)
            with ledger.lock:
                ledger.latest[key] = None
            s3.delete_object(Bucket="src", Key=key)
            continue
        if keys and roll < CORRUPT_SHARE + DELETE_SHARE + OVERWRITE_SHARE:
            key = rng.choice(keys)
        else:
            key = SOURCE_PREFIX + "img/%05d.img" % i
            keys.append(key)
        path = rng.choice(GOOD)
        with ledger.lock:
            ledger.latest[key] = path
        s3.put_object(Bucket="src", Key=key, Body=contents[path])
    ledger.done.set()


def main():
    ap = e2e.service_arguments()
    ap.add_argument("--uploads", type=int, default=2000)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    e2e.clean_environment()
    rng = random.Random(args.seed)
    fault_rng = random.Random(args.seed + 1)
    contents = {p: open(os.path.join(args.corpus, p), "rb").read()
                for p in GOOD + CORRUPT}
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        endpoint = e2e.start_moto(procs, workdir, "soak")
        s3, sqs, q_url, q_arn, dlq_url = e2e.setup_open(
            endpoint, VISIBILITY_TIMEOUT, MAX_RECEIVES)
        s3.put_bucket_notification_configuration(
            Bucket="src", NotificationConfiguration={"QueueConfigurations": [
                {"QueueArn": q_arn, "Events": [event],
                 "Filter": {"Key": {"FilterRules": [
                     {"Name": "prefix", "Value": SOURCE_PREFIX}]}}}
                for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")]})
        fault_lock = threading.Lock()
        by_kind = collections.Counter()

        def rule(method, path, seen):
            with fault_lock:
                if fault_rng.random() < FAULT_RATE:
                    fault = fault_rng.choice(FAULTS)
                    by_kind[" ".join(str(f) for f in fault[1:]) or
                            fault[0]] += 1
                    return fault
            return None

        proxy = FaultProxy(endpoint, rule)
        env = e2e.open_env(proxy.address, "src", "dst")

        ledger = Ledger()
        writer_s3 = client("s3", endpoint)
        t0 = time.monotonic()
        w = threading.Thread(target=writer, args=(writer_s3, args, rng,
                                                  ledger, contents),
                             daemon=True)
        w.start()
        totals, kills, invocations = [], 0, 0
        bs = Bootstrap(procs, args.bootstrap, env)
        end = time.monotonic() + 60 + DRAIN_SECONDS_PER_UPLOAD * args.uploads
        try:
            while True:
                check(time.monotonic() < end, "soak not drained in time")
                got = sqs.receive_message(QueueUrl=q_url,
                                          MaxNumberOfMessages=10,
                                          WaitTimeSeconds=1,
                                          AttributeNames=["All"])
                msgs = got.get("Messages", [])
                if not msgs:
                    attrs = sqs.get_queue_attributes(
                        QueueUrl=q_url, AttributeNames=[
                            "ApproximateNumberOfMessages",
                            "ApproximateNumberOfMessagesNotVisible"])[
                                "Attributes"]
                    if (ledger.done.is_set() and
                            attrs["ApproximateNumberOfMessages"] == "0" and
                            attrs["ApproximateNumberOfMessagesNotVisible"]
                            == "0"):
                        break
                    continue
                invocations += 1
                if kills < args.kills and rng.random() < KILL_CHANCE:
                    # SIGKILL in the middle of this batch: nothing is
                    # deleted, SQS redelivers it after the visibility
                    # timeout, and Lambda starts a new process.
                    victim = bs.proc
                    threading.Timer(rng.uniform(0.005, 0.05), lambda:
                                    os.kill(victim.pid, signal.SIGKILL)
                                    ).start()
                    try:
                        bs.invoke(e2e.sqs_event(q_arn, msgs),
                                  timeout_ms=INVOCATION_MS)
                    except RuntimeError:
                        pass  # "bootstrap exited with -9"
                    victim.wait(10)
                    kills += 1
                    totals += _totals(bs)
                    bs = Bootstrap(procs, args.bootstrap, env)
                    continue
                res = bs.invoke(e2e.sqs_event(q_arn, msgs),
                                timeout_ms=INVOCATION_MS)
                check(res.kind == "response", "batch: %s %s" % (res.kind,
                                                                res.body))
                failures = {f["itemIdentifier"]
                            for f in res.json()["batchItemFailures"]}
                done = [m for m in msgs if m["MessageId"] not in failures]
                if done:
                    sqs.delete_message_batch(QueueUrl=q_url, Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done)])
            totals += _totals(bs)
        finally:
            bs.close()
        elapsed = time.monotonic() - t0
        check(kills == args.kills, "%d kills of %d" % (kills, args.kills))
        w.join()
        injected = sum(by_kind.values())
        requests = len(proxy.log)
        proxy.close()

        verify(args, workdir, s3, sqs, dlq_url, ledger)

        # reconcile reports exactly the corrupt uploads (no thumbnails).
        tool_env = e2e.open_env(endpoint, "src", "dst")
        tool_env["AWS_ENDPOINT_URL_SQS"] = endpoint
        reported = {r["key"] for r in e2e.run_tool([args.reconcile],
                                                   tool_env)}
        check(reported == ledger.corrupt, "reconcile: %d reported, %d "
              "corrupt" % (len(reported), len(ledger.corrupt)))

        # The fix: good files in place of the corrupt ones; the DLQ
        # replayed once, faults gone.
        for i, key in enumerate(sorted(ledger.corrupt)):
            path = GOOD[i % len(GOOD)]
            # A creation event of its own would redo it too; the replay
            # must do it alone, so notifications go off first.
            ledger.latest[key] = path
        s3.put_bucket_notification_configuration(
            Bucket="src", NotificationConfiguration={})
        for key in ledger.corrupt:
            s3.put_object(Bucket="src", Key=key,
                          Body=contents[ledger.latest[key]])
        e2e.run_tool([args.redrive, "--from", dlq_url, "--to", q_url],
                     tool_env)
        bs = Bootstrap(procs, args.bootstrap, dict(
            env, AWS_ENDPOINT_URL_S3=endpoint))
        try:
            e2e.drain(bs, sqs, q_url, q_arn)
        finally:
            bs.close()
        ledger.corrupt = set()
        verify(args, workdir, s3, sqs, dlq_url, ledger)
        check(e2e.run_tool([args.reconcile], tool_env) == [],
              "reconcile after the redrive")

    totals.sort()
    p50 = totals[len(totals) // 2] if totals else 0
    p99 = totals[min(len(totals) - 1, int(len(totals) * 0.99))] if totals \
        else 0
    print("soak (seed %d): %d uploads (%d keys at the end, %d deleted, %d "
          "corrupt) in %.1f s: %.1f uploads/s; %d invocations, %d kills; "
          "%d of %d S3 requests faulted (%s); per object p50 %.1f ms, "
          "p99 %.1f ms; redrive after the fix left nothing behind" %
          (args.seed, args.uploads,
           sum(1 for v in ledger.latest.values() if v),
           sum(1 for v in ledger.latest.values() if v is None),
           len(reported), elapsed, args.uploads / elapsed, invocations,
           kills, injected, requests,
           ", ".join("%s %d" % kv for kv in sorted(by_kind.items())),
           p50, p99))


def _totals(bs):
    """totalMs of every object bs made thumbnails of, once it is closed (a
    killed process may have left a line half written)."""
    bs.close()
    out = []
    for line in bs.lines:
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("msg") == "thumbnail" and r.get("outcome") == "ok":
            out.append(r["totalMs"])
    return out


def verify(args, workdir, s3, sqs, dlq_url, ledger):
    """Exactly the latest version's thumbnails of every existing key, none
    of a deleted one, nothing else; the corrupt ones in the DLQ once."""
    refs = {}
    sizes = [name for name, _, _ in e2e.parse_sizes(e2e.SIZES)]
    want = {}
    for key, path in ledger.latest.items():
        if path is None or key in ledger.corrupt:
            continue
        if path not in refs:
            ref = e2e.reference_runs(args, workdir, path, "webp", "80")
            refs[path] = {n: ref("many", i) for i, n in enumerate(sizes)}
        for name in sizes:
            want[e2e.thumb_key(key, name)] = refs[path][name]
    have = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="dst"):
        for o in page.get("Contents", []):
            have[o["Key"]] = o
    missing = sorted(set(want) - set(have))
    orphans = sorted(set(have) - set(want))
    check(not missing and not orphans, "destination: %d missing (%s), %d "
          "orphaned (%s)" % (len(missing), missing[:3], len(orphans),
                             orphans[:3]))
    wrong = [k for k, data in want.items()
             if s3.get_object(Bucket="dst", Key=k)["Body"].read() != data]
    check(not wrong, "%d thumbnails not their latest version's: %s" %
          (len(wrong), wrong[:3]))
    dlq = all_keys(sqs, dlq_url)
    check(sorted(dlq) == sorted(ledger.corrupt), "DLQ: %d keys for %d "
          "corrupt uploads" % (len(dlq), len(ledger.corrupt)))


def all_keys(sqs, url):
    """Every key in a queue, however many, leaving the messages there:
    received (and so hidden) until none is left, then made visible again.
    A visibility timeout of 0 would show the same first ten every time."""
    seen, handles = {}, []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                  VisibilityTimeout=PEEK_HIDE_SECONDS)
        msgs = got.get("Messages", [])
        if not msgs:
            break
        for m in msgs:
            seen[m["MessageId"]] = e2e.body_keys(m["Body"])
            handles.append(m["ReceiptHandle"])
    for i in range(0, len(handles), 10):
        sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
            {"Id": str(j), "ReceiptHandle": h, "VisibilityTimeout": 0}
            for j, h in enumerate(handles[i:i + 10])])
    return [k for keys in seen.values() for k in keys]


if __name__ == "__main__":
    main()
