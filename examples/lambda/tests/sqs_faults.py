#!/usr/bin/env python3
"""SQS under faults, all on 127.0.0.1 (moto_server as S3 and SQS, the
Runtime API emulator running bootstrap).

The function never calls SQS: Lambda's event source mapping receives a
batch, deletes what the function reports done, and leaves the rest to the
visibility timeout and the redrive policy. So what SQS does under faults
is what the function must survive, and this test plays the poller doing
it:

  - at-least-once delivery: the same event twice in one batch, and one
    message in two processes at once (a poller's lost delete, a second
    receive): both report success, the thumbnails are right, no error;
  - processing that outlives the visibility timeout: the message comes
    back and a second process does it while the first still holds it,
    and the source is overwritten meanwhile: in the end the thumbnails
    are the new version's, the queue and the DLQ empty;
  - a partial batch failure: batchItemFailures names exactly the
    messages that failed; only they come back, the others are made once;
  - maxReceiveCount: a message failing on every receive lands in the DLQ
    after exactly that many attempts, nothing else does.

The SQS calls the service's own tools make go through a fault proxy
(fault_proxy.py): thumbnail-redrive (ReceiveMessage, SendMessage,
DeleteMessage) and thumbnail-reconcile --enqueue (SendMessage) under 500,
503 throttling, a reset, and an answer lost after SQS acted: a message is
never lost, a duplicate costs one more harmless run.
"""

import json
import os
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from e2e import (SOURCE_PREFIX, Bootstrap, Processes, check,  # noqa: E402
                 client, s3_event, sqs_event, thumb_key)
from fault_proxy import FaultProxy  # noqa: E402
from soak import all_keys  # noqa: E402

V1 = "orientation/Landscape_1.jpg"
V2 = "png/Flag_of_the_Netherlands-alpha.png"
GOOD = [(V1, "v1.jpg"), (V2, "v2.png"), ("webp/4.webp", "w.webp"),
        ("gif/porsche.gif", "p.gif")]
# Short, so that redeliveries come within a test's patience.
VISIBILITY_TIMEOUT = 2
MAX_RECEIVES = 3
# How long the proxy holds the first GET's body: well past the visibility
# timeout, well within the invocation's deadline.
HOLD_SECONDS = 3 * VISIBILITY_TIMEOUT
INVOCATION_MS = 30000
# The S3 client's attempts per request (aws_core.c): a GET failing that
# many times fails its message.
S3_ATTEMPTS = 4
# Messages in the DLQ for the redrive: more than one receive's worth.
REDRIVE_MESSAGES = 14
# thumbnail-redrive's --visibility here: a receive whose answer is lost
# hides its messages that long.
REDRIVE_VISIBILITY = 3
# SQS faults by operation and by how many of that operation came before.
SQS_FAULTS = {
    "AmazonSQS.ReceiveMessage": {0: ("status", 500, "InternalError"),
                                 1: ("lost",),
                                 3: ("status", 400, "RequestThrottled")},
    "AmazonSQS.SendMessage": {0: ("reset",), 2: ("lost",),
                              5: ("status", 503, "ServiceUnavailable")},
    "AmazonSQS.DeleteMessage": {1: ("lost",), 3: ("status", 500,
                                                  "InternalError")},
}


def sizes():
    return [name for name, _, _ in e2e.parse_sizes(e2e.SIZES)]


def expected(args, workdir, corpus_path):
    ref = e2e.reference_runs(args, workdir, corpus_path, "webp", "80")
    return {name: ref("many", i) for i, name in enumerate(sizes())}


def holds(s3, dst, key, want):
    """key's thumbnails in dst are exactly want's bytes."""
    for name, data in want.items():
        try:
            got = s3.get_object(Bucket=dst, Key=thumb_key(key, name))
        except s3.exceptions.NoSuchKey:
            check(False, "%s %s: missing in %s" % (key, name, dst))
        check(got["Body"].read() == data, "%s %s: wrong bytes" % (key, name))


def receive(sqs, url, count, seconds=10):
    """count messages from url, however many receives that takes."""
    msgs, end = [], time.monotonic() + seconds
    while len(msgs) < count:
        check(time.monotonic() < end, "received %d of %d" % (len(msgs),
                                                             count))
        msgs += sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
            AttributeNames=["All"]).get("Messages", [])
    return msgs


def settle(bs, sqs, q_url, q_arn, msgs):
    """One invocation of msgs, done ones deleted as the poller does;
    returns the keys reported failed."""
    res = bs.invoke(sqs_event(q_arn, msgs), timeout_ms=INVOCATION_MS)
    check(res.kind == "response", "batch: %s %s" % (res.kind, res.body))
    failed = {f["itemIdentifier"] for f in res.json()["batchItemFailures"]}
    done = [m for m in msgs if m["MessageId"] not in failed]
    if done:
        # A stale receipt handle may not delete (SQS says so): the message
        # then comes back, as on AWS.
        sqs.delete_message_batch(QueueUrl=q_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(done)])
    return {k for m in msgs if m["MessageId"] in failed
            for k in e2e.body_keys(m["Body"])}


def counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return (int(a["ApproximateNumberOfMessages"]),
            int(a["ApproximateNumberOfMessagesNotVisible"]))


def ok_records(bs, key):
    logs, emf = bs.records()
    check(sum(d.get("Errors", 0) for d in emf) == 0, "errors: %s" % emf)
    return [r for r in logs if r.get("msg") == "thumbnail" and
            r.get("key") == key]


def phase_twice(procs, args, endpoint, s3, sqs, refs):
    """At-least-once: one event twice in a batch, one message in two
    processes at once."""
    q_url, q_arn, dlq_url = e2e.make_queue(sqs, "twice", VISIBILITY_TIMEOUT,
                                           MAX_RECEIVES)
    s3.create_bucket(Bucket="dst-twice")
    env = e2e.open_env(endpoint, "src", "dst-twice")
    key = SOURCE_PREFIX + GOOD[0][1]
    body = json.dumps(s3_event("src", key, 1))
    for _ in range(2):
        sqs.send_message(QueueUrl=q_url, MessageBody=body)
    msgs = receive(sqs, q_url, 2)
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        check(settle(bs, sqs, q_url, q_arn, msgs) == set(),
              "twice in a batch: failed")
    finally:
        bs.close()
    holds(s3, "dst-twice", key, refs[GOOD[0][0]])

    # One message, two processes at once.
    sqs.send_message(QueueUrl=q_url, MessageBody=body)
    (m,) = receive(sqs, q_url, 1)
    pair = [Bootstrap(procs, args.bootstrap, env) for _ in range(2)]
    try:
        results = [p.emu.submit(sqs_event(q_arn, [m]),
                                timeout_ms=INVOCATION_MS) for p in pair]
        for r in results:
            check(r.done.wait(INVOCATION_MS / 1000), "two at once: no answer")
            check(r.kind == "response" and
                  r.json()["batchItemFailures"] == [],
                  "two at once: %s %s" % (r.kind, r.body))
        made = [len(ok_records(p, key)) for p in pair]
    finally:
        for p in pair:
            p.close()
    check(made == [1, 1], "two at once: %s" % made)
    sqs.delete_message(QueueUrl=q_url, ReceiptHandle=m["ReceiptHandle"])
    holds(s3, "dst-twice", key, refs[GOOD[0][0]])
    check(counts(sqs, q_url) == (0, 0) and counts(sqs, dlq_url) == (0, 0),
          "twice: queues not empty")
    print("at-least-once: the same event twice in a batch and one message "
          "in two processes at once: success each time, right bytes")


def phase_outlive(procs, args, endpoint, s3, sqs, refs):
    """A message whose processing outlives its visibility timeout, the
    source overwritten meanwhile."""
    q_url, q_arn, dlq_url = e2e.make_queue(sqs, "outlive",
                                           VISIBILITY_TIMEOUT, MAX_RECEIVES)
    dst = "dst-outlive"
    s3.create_bucket(Bucket=dst)
    key = SOURCE_PREFIX + "outlive.img"
    s3.put_object(Bucket="src", Key=key, Body=refs["bytes"][V1])
    held = threading.Event()

    def rule(method, path, seen):
        if method == "GET" and path.endswith("/" + key) and seen == 0:
            # held is set once moto has answered with v1: putting v2
            # earlier would race the proxy's own GET.
            return ("hold_body", HOLD_SECONDS, held)
        return None

    proxy = FaultProxy(endpoint, rule)
    slow = Bootstrap(procs, args.bootstrap, e2e.open_env(proxy.address,
                                                         "src", dst))
    fast = Bootstrap(procs, args.bootstrap, e2e.open_env(endpoint, "src",
                                                         dst))
    try:
        sqs.send_message(QueueUrl=q_url, MessageBody=json.dumps(
            s3_event("src", key, 1)))
        (first,) = receive(sqs, q_url, 1)
        slow_res = slow.emu.submit(sqs_event(q_arn, [first]),
                                   timeout_ms=INVOCATION_MS)
        check(held.wait(10), "outlive: the held GET never came")
        # v2 lands while v1 is being read; its event goes to the queue.
        s3.put_object(Bucket="src", Key=key, Body=refs["bytes"][V2])
        sqs.send_message(QueueUrl=q_url, MessageBody=json.dumps(
            s3_event("src", key, 1)))
        # The first message comes back after its visibility timeout,
        # while slow still works on it: fast does it and v2's event.
        again = receive(sqs, q_url, 2, seconds=HOLD_SECONDS)
        check(not slow_res.done.is_set(), "outlive: slow was not slow")
        check(any(m["MessageId"] == first["MessageId"] and
                  m["Attributes"]["ApproximateReceiveCount"] == "2"
                  for m in again), "outlive: not redelivered: %s" % again)
        check(settle(fast, sqs, q_url, q_arn, again) == set(),
              "outlive: fast failed")
        check(slow_res.done.wait(INVOCATION_MS / 1000), "outlive: no answer")
        check(slow_res.kind == "response" and
              slow_res.json()["batchItemFailures"] == [],
              "outlive: slow %s %s" % (slow_res.kind, slow_res.body))
        sqs.delete_message(QueueUrl=q_url,
                           ReceiptHandle=first["ReceiptHandle"])
        # Whatever the stale delete did, the queue drains.
        e2e.drain(fast, sqs, q_url, q_arn)
        slow_logs = ok_records(slow, key)
    finally:
        slow.close()
        fast.close()
        proxy.close()
    # slow read v1, wrote its thumbnails over fast's v2 ones, read the
    # source again, found it changed, and made v2's again.
    check(len(slow_logs) == 1 and slow_logs[0].get("sourceChanges") == 1,
          "outlive: slow %s" % slow_logs)
    holds(s3, dst, key, refs[V2])
    check(counts(sqs, dlq_url) == (0, 0), "outlive: DLQ not empty")
    # Its thumbnails are in a bucket of its own: out of reconcile's way.
    s3.delete_object(Bucket="src", Key=key)
    print("outlived visibility timeout: redelivered to a second process "
          "while the first held v1; v2 uploaded meanwhile; both succeeded "
          "and the thumbnails are v2's")


def phase_partial(procs, args, endpoint, s3, sqs, refs):
    """Partial batch failure: only the failed messages come back."""
    q_url, q_arn, dlq_url = e2e.make_queue(sqs, "partial",
                                           VISIBILITY_TIMEOUT, MAX_RECEIVES)
    dst = "dst-partial"
    s3.create_bucket(Bucket=dst)
    keys = [SOURCE_PREFIX + k for _, k in GOOD]
    failing = set(keys[1::2])
    healed = threading.Event()

    def rule(method, path, seen):
        if (method == "GET" and not healed.is_set() and
                any(path.endswith("/" + k) for k in failing)):
            return ("status", 500, "InternalError")
        return None

    proxy = FaultProxy(endpoint, rule)
    bs = Bootstrap(procs, args.bootstrap, e2e.open_env(proxy.address, "src",
                                                       dst))
    try:
        for key in keys:
            sqs.send_message(QueueUrl=q_url, MessageBody=json.dumps(
                s3_event("src", key, 1)))
        msgs = receive(sqs, q_url, len(keys))
        check(settle(bs, sqs, q_url, q_arn, msgs) == failing,
              "partial: batchItemFailures not the failing keys")
        check(counts(sqs, q_url)[0] + counts(sqs, q_url)[1] == len(failing),
              "partial: %s left" % (counts(sqs, q_url),))
        healed.set()
        e2e.drain(bs, sqs, q_url, q_arn)
        logs, emf = bs.records()
    finally:
        bs.close()
        proxy.close()
    for path, key in GOOD:
        holds(s3, dst, SOURCE_PREFIX + key, refs[path])
    tries = {k: [r["outcome"] for r in logs
                 if r.get("msg") == "thumbnail" and r.get("key") == k]
             for k in keys}
    for k in keys:
        want = ["error", "ok"] if k in failing else ["ok"]
        check(tries[k] == want, "partial: %s %s" % (k, tries[k]))
    check(counts(sqs, dlq_url) == (0, 0), "partial: DLQ not empty")
    print("partial batch: %d of %d failed, named in batchItemFailures; only "
          "they came back; each made once" % (len(failing), len(keys)))


def phase_dlq(procs, args, workdir, endpoint, s3, sqs, refs):
    """maxReceiveCount, then thumbnail-redrive and reconcile --enqueue
    with their SQS calls faulted."""
    q_url, q_arn, dlq_url = e2e.make_queue(sqs, "poison", VISIBILITY_TIMEOUT,
                                           MAX_RECEIVES)
    dst = "dst-poison"
    s3.create_bucket(Bucket=dst)
    bad = SOURCE_PREFIX + GOOD[2][1]
    healed = threading.Event()
    proxy = FaultProxy(endpoint, lambda m, p, seen: (
        ("status", 503, "SlowDown") if m == "GET" and p.endswith("/" + bad)
        and not healed.is_set() else None))
    bs = Bootstrap(procs, args.bootstrap, e2e.open_env(proxy.address, "src",
                                                       dst))
    try:
        for _, key in GOOD:
            sqs.send_message(QueueUrl=q_url, MessageBody=json.dumps(
                s3_event("src", SOURCE_PREFIX + key, 1)))
        e2e.drain(bs, sqs, q_url, q_arn)
        logs, _ = bs.records()
    finally:
        bs.close()
        proxy.close()
    tries = [r["outcome"] for r in logs
             if r.get("msg") == "thumbnail" and r.get("key") == bad]
    check(tries == ["error"] * MAX_RECEIVES, "poison tries: %s" % tries)
    check(proxy.count(method="GET", path_part=bad) ==
          MAX_RECEIVES * S3_ATTEMPTS, "poison: %d GETs" %
          proxy.count(method="GET", path_part=bad))
    check(e2e.peek_keys(sqs, dlq_url) == [bad], "DLQ: %s" %
          e2e.peek_keys(sqs, dlq_url))
    print("maxReceiveCount: failing every time, tried %d times (%d GETs), "
          "then in the DLQ alone" % (MAX_RECEIVES, MAX_RECEIVES * S3_ATTEMPTS))

    # The redrive, its SQS calls faulted. More messages in the DLQ than
    # one receive takes: the failed one and some sent there directly.
    healed.set()
    others = [SOURCE_PREFIX + GOOD[i % 2][1]
              for i in range(REDRIVE_MESSAGES - 1)]
    for key in others:
        sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps(
            s3_event("src", key, 1)))
    sqs_proxy = FaultProxy(endpoint, lambda m, p, seen:
                           SQS_FAULTS.get(p, {}).get(seen))
    tool_env = e2e.open_env(endpoint, "src", dst)
    tool_env["AWS_ENDPOINT_URL_SQS"] = sqs_proxy.address
    try:
        e2e.run_tool([args.redrive, "--from", dlq_url, "--to", q_url,
                      "--visibility", str(REDRIVE_VISIBILITY)], tool_env)
        faulted = [(p, a) for m, p, a in sqs_proxy.log if a != "forward"]
    finally:
        sqs_proxy.close()
    check(len(faulted) == sum(len(v) for v in SQS_FAULTS.values()),
          "redrive: faults played %s" % faulted)
    check(counts(sqs, dlq_url) == (0, 0), "redrive left %s in the DLQ" %
          (counts(sqs, dlq_url),))
    # One receive each (a peek of e2e's would count several towards
    # maxReceiveCount and send them to the DLQ).
    moved = sorted(all_keys(sqs, q_url))
    want = sorted(others + [bad])
    # A lost SendMessage answer is sent again: one duplicate, no loss.
    check(set(moved) == set(want) and len(moved) == len(want) + 1,
          "redrive moved %d (%d distinct) of %d" % (
              len(moved), len(set(moved)), len(want)))
    bs = Bootstrap(procs, args.bootstrap, e2e.open_env(endpoint, "src", dst))
    try:
        e2e.drain(bs, sqs, q_url, q_arn)
    finally:
        bs.close()
    for path, key in GOOD:
        holds(s3, dst, SOURCE_PREFIX + key, refs[path])
    print("redrive under SQS faults (%s): the DLQ emptied, every message "
          "back once and one twice, all thumbnails made" %
          ", ".join("%s %s" % (p.split(".")[1], a) for p, a in faulted))

    # reconcile --enqueue, SendMessage faulted: what is missing comes
    # back, a lost answer sends it twice.
    lost = [SOURCE_PREFIX + k for _, k in GOOD[:3]]
    for key in lost:
        s3.delete_object(Bucket=dst, Key=thumb_key(key, sizes()[0]))
    sqs_proxy = FaultProxy(endpoint, lambda m, p, seen: (
        {0: ("lost",), 1: ("status", 500, "InternalError")}.get(seen)
        if p == "AmazonSQS.SendMessage" else None))
    tool_env["AWS_ENDPOINT_URL_SQS"] = sqs_proxy.address
    try:
        e2e.run_tool([args.reconcile, "--enqueue", q_url], tool_env)
    finally:
        sqs_proxy.close()
    queued = all_keys(sqs, q_url)
    check(sorted(set(queued)) == sorted(lost) and
          len(queued) == len(lost) + 1, "reconcile queued %s" % queued)
    bs = Bootstrap(procs, args.bootstrap, e2e.open_env(endpoint, "src", dst))
    try:
        e2e.drain(bs, sqs, q_url, q_arn)
    finally:
        bs.close()
    tool_env["AWS_ENDPOINT_URL_SQS"] = endpoint
    check(e2e.run_tool([args.reconcile], tool_env) == [],
          "reconcile after --enqueue")
    print("reconcile --enqueue under SQS faults (lost answer, 500): the %d "
          "missing thumbnails made again, one message twice" % len(lost))


def main():
    args = e2e.service_arguments().parse_args()
    e2e.clean_environment()
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        endpoint, s3 = e2e.moto_with_sources(procs, workdir, "sqs-faults",
                                             args.corpus, GOOD)
        sqs = client("sqs", endpoint)
        refs = {path: expected(args, workdir, path) for path, _ in GOOD}
        refs["bytes"] = {path: open(os.path.join(args.corpus, path),
                                    "rb").read() for path in (V1, V2)}
        phase_twice(procs, args, endpoint, s3, sqs, refs)
        phase_outlive(procs, args, endpoint, s3, sqs, refs)
        phase_partial(procs, args, endpoint, s3, sqs, refs)
        phase_dlq(procs, args, workdir, endpoint, s3, sqs, refs)
    print("lambda SQS faults: all checks passed")


if __name__ == "__main__":
    main()
