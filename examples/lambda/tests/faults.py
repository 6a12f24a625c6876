#!/usr/bin/env python3
"""The Lambda runtime under faults, all on 127.0.0.1: moto_server as S3
and SQS, the Runtime API emulator running bootstrap, and a fault proxy
(fault_proxy.py) between bootstrap and moto that injects, per request:

  - 403 AccessDenied for a missing key, as S3 answers without
    s3:ListBucket; and moto's own 404, as S3 answers with it (the
    template grants it): a deleted upload is skipped and an on-demand
    request answered 404 only in the second case;
  - 500 InternalError, 503 SlowDown, a connection reset and a body
    shorter than its Content-Length, on the first attempt of every GET
    and PUT: retried with backoff, and the thumbnails are the right
    bytes;
  - a PUT of one size failing every time: that output fails alone, the
    other size is written, the message is reported failed (retried);
  - every PUT 300 ms late, as a distant S3's would be: an object's three
    thumbnails are uploaded at the same time (all three PUTs arrive
    before the first is answered, putMs well under 3 x 300 ms); with one
    of them failing and the others ending in reverse order, the two are
    written and the log names them and the failure in THUMB_SIZES order;
  - a GET that never answers: the invocation still ends before its
    deadline, the message reported failed;
  - an object over THUMB_MAX_INPUT_BYTES whose body is held back: refused
    from its Content-Length, without waiting for the body;
  - kill -9 of bootstrap in the middle of a batch: SQS redelivers after
    the visibility timeout and a new process makes every thumbnail, with
    nothing in the DLQ;
  - deletions and overwrites, events late, twice or out of order, and an
    upload or a delete landing while the thumbnails are being written
    (the proxy does it when it sees the first thumbnail's PUT): in the
    end the thumbnails are those of the latest version, or none.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e  # noqa: E402
from e2e import (SOURCE_PREFIX, Bootstrap, Processes, check,  # noqa: E402
                 client, s3_event, sqs_event, thumb_key, url_event)
from fault_proxy import FaultProxy  # noqa: E402

GOOD = [("orientation/Landscape_1.jpg", "landscape.jpg"),
        ("png/Flag_of_the_Netherlands-alpha.png", "flag.png")]
# A GET that stalls for longer than any invocation here.
STALL_SECONDS = 30
# An invocation's deadline in the stall case, and how much sooner than it
# bootstrap must answer (HANDLER_DEADLINE_MARGIN_MS is 500).
STALL_DEADLINE_MS = 4000
# How long the proxy holds back an oversized body; the refusal must come
# well before.
HOLD_SECONDS = 5
SMALL_LIMIT = 20000
VISIBILITY_TIMEOUT = 2
# More than the one receive a kill costs.
KILL_MAX_RECEIVES = 3


def base_env(endpoint, src, dst):
    return e2e.open_env(endpoint, src, dst)


def sizes():
    return [name for name, _, _ in e2e.parse_sizes(e2e.SIZES)]


def expected(args, workdir, corpus_path):
    """The thumbnails the function makes of a corpus file, by size."""
    ref = e2e.reference_runs(args, workdir, corpus_path, "webp", "80")
    return {name: ref("many", i) for i, name in enumerate(sizes())}


def records(bs):
    logs, emf = bs.records()
    return [r for r in logs if r.get("msg") == "thumbnail"], emf


def fake_message(mid, event):
    return {"MessageId": mid, "ReceiptHandle": "rh-" + mid, "MD5OfBody": "",
            "Body": json.dumps(event)}


def phase_forbidden(procs, args, endpoint, s3, q_arn):
    """403 for a missing key (no ListBucket) against 404 (ListBucket)."""
    missing = SOURCE_PREFIX + "gone.jpg"
    for forbidden in (True, False):
        proxy = FaultProxy(endpoint, lambda m, p, seen: (
            ("status", 403, "AccessDenied")
            if forbidden and p.endswith("/" + missing) else None))
        bs = Bootstrap(procs, args.bootstrap, base_env(proxy.address, "src",
                                                       "dst"))
        try:
            res = bs.invoke(sqs_event(q_arn, [fake_message(
                "m1", s3_event("src", missing, 10))]))
            doc = bs.invoke(url_event(missing, "width=64&height=64",
                                      "")).json()
            logs, emf = records(bs)
        finally:
            bs.close()
            proxy.close()
        check(proxy.count(path_part=missing) == 2,
              "requests for the missing key: %s" % proxy.log)
        if forbidden:
            check(res.json() == {"batchItemFailures": [
                {"itemIdentifier": "m1"}]}, "403: %s" % res.body)
            check(doc["statusCode"] == 502, "403 on demand: %s" % doc)
            check([(d["Errors"], d["ErrorClass"]) for d in emf] ==
                  [(1, "s3_access")] * 2, "403 EMF: %s" % emf)
        else:
            check(res.json() == {"batchItemFailures": []},
                  "404: %s" % res.body)
            check(logs[0]["outcome"] == "skipped" and
                  logs[0]["errorClass"] == "source_gone", "404: %s" % logs)
            check(doc["statusCode"] == 404, "404 on demand: %s" % doc)
            check([(d["Errors"], d["ClientErrors"], d["ErrorClass"])
                   for d in emf] == [(0, 1, "s3_not_found")],
                  "404 EMF: %s" % emf)
    print("forbidden: 403 (no s3:ListBucket) retried and answered 502; "
          "404 (with it) skipped and answered 404, a ClientError")


def phase_transient(procs, args, workdir, endpoint, s3):
    """A fault on the first attempt of every GET and PUT: retried."""
    faults = [("status", 500, "InternalError"), ("status", 503, "SlowDown"),
              ("reset",), ("short",)]
    for fault in faults:
        dst = "dst-%s" % (fault[1] if fault[0] == "status" else fault[0])
        s3.create_bucket(Bucket=dst)
        proxy = FaultProxy(endpoint, lambda m, p, seen: (
            fault if m in ("GET", "PUT") and seen == 0 else None))
        bs = Bootstrap(procs, args.bootstrap, base_env(proxy.address, "src",
                                                       dst))
        try:
            event = {"Records": []}
            for _, key in GOOD:
                event["Records"] += s3_event("src", SOURCE_PREFIX + key,
                                             1)["Records"]
            res = bs.invoke(event)
            logs, emf = records(bs)
        finally:
            bs.close()
            proxy.close()
        check(res.kind == "response", "%s: %s %s" % (fault, res.kind,
                                                     res.body))
        injected = proxy.count(action=fault[0])
        want = len(GOOD) * (1 + len(sizes()))
        check(injected == want, "%s injected %d times, expected %d" %
              (fault, injected, want))
        for corpus_path, key in GOOD:
            for name, data in expected(args, workdir, corpus_path).items():
                got = s3.get_object(Bucket=dst, Key=thumb_key(
                    SOURCE_PREFIX + key, name))["Body"].read()
                check(got == data, "%s: %s %s wrong bytes" % (fault, key,
                                                              name))
        check(sum(d["Errors"] for d in emf) == 0, "%s: %s" % (fault, emf))
    print("transient: 500, 503 SlowDown, reset and short body on every "
          "first GET and PUT retried; every thumbnail the right bytes")


def phase_one_output(procs, args, workdir, endpoint, s3, q_arn):
    """Every PUT of one size fails: that output alone."""
    name_ok, name_bad = sizes()
    s3.create_bucket(Bucket="dst-one")
    proxy = FaultProxy(endpoint, lambda m, p, seen: (
        ("status", 500, "InternalError")
        if m == "PUT" and "/%s/" % name_bad in p else None))
    bs = Bootstrap(procs, args.bootstrap, base_env(proxy.address, "src",
                                                   "dst-one"))
    corpus_path, key = GOOD[0]
    try:
        res = bs.invoke(sqs_event(q_arn, [fake_message(
            "m1", s3_event("src", SOURCE_PREFIX + key, 1))]))
        logs, emf = records(bs)
    finally:
        bs.close()
        proxy.close()
    check(res.json() == {"batchItemFailures": [{"itemIdentifier": "m1"}]},
          "one output: %s" % res.body)
    listed = [o["Key"] for o in s3.list_objects_v2(
        Bucket="dst-one").get("Contents", [])]
    check(listed == [thumb_key(SOURCE_PREFIX + key, name_ok)],
          "one output: wrote %s" % listed)
    got = s3.get_object(Bucket="dst-one", Key=listed[0])["Body"].read()
    check(got == expected(args, workdir, corpus_path)[name_ok],
          "one output: wrong bytes")
    log = logs[0]
    check(log["outcome"] == "error" and
          [f["size"] for f in log["failedOutputs"]] == [name_bad] and
          log["failedOutputs"][0]["errorClass"] == "s3_http" and
          [o["size"] for o in log["outputs"]] == [name_ok],
          "one output: log %s" % log)
    d = emf[0]
    check((d["Errors"], d["Decodes"], d["Thumbnails"], d["OutputErrors"])
          == (1, 1, 1, 1), "one output: EMF %s" % d)
    print("one output: %s failing every PUT fails alone (failedOutputs, "
          "OutputErrors=1), %s written, the message retried" %
          (name_bad, name_ok))


# Three sizes, uploaded at the same time, each PUT this late.
CONCURRENT_SIZES = ["256x256", "100x", "x64"]
PUT_DELAY = 0.3


def phase_concurrent(procs, args, endpoint, s3, q_arn):
    """An object's uploads overlap; a failure among them stays alone and
    the report keeps THUMB_SIZES order whatever order they end in."""
    key = SOURCE_PREFIX + GOOD[0][1]
    first, middle, last = CONCURRENT_SIZES
    # Per round: size -> the rule's action for its PUTs.
    rounds = [
        ("dst-overlap", {n: ("delay", PUT_DELAY) for n in CONCURRENT_SIZES}),
        # The first ends last, the middle one fails first (late too, so
        # that all three are in flight before any answer).
        ("dst-overlap-fail", {first: ("delay", 2 * PUT_DELAY),
                              middle: ("delay", PUT_DELAY / 2, (
                                  "status", 403, "AccessDenied")),
                              last: ("delay", PUT_DELAY)}),
    ]
    for dst, by_size in rounds:
        s3.create_bucket(Bucket=dst)

        def rule(method, path, seen, dst=dst, by_size=by_size):
            if method != "PUT" or not path.startswith("/%s/" % dst):
                return None
            return next(a for n, a in by_size.items() if "/%s/" % n in path)

        proxy = FaultProxy(endpoint, rule)
        env = base_env(proxy.address, "src", dst)
        env["THUMB_SIZES"] = ",".join(CONCURRENT_SIZES)
        bs = Bootstrap(procs, args.bootstrap, env)
        try:
            # A first object warms the connections up: a process's first
            # uploads also load libcurl and connect.
            bs.invoke(s3_event("src", key, 1))
            t0 = time.monotonic()
            res = bs.invoke(sqs_event(q_arn, [fake_message(
                "m1", s3_event("src", key, 1))]))
            took = time.monotonic() - t0
            logs, _ = records(bs)
        finally:
            bs.close()
            proxy.close()
        puts = [sp for sp in proxy.spans if sp[0] == "PUT" and sp[2] >= t0]
        check(len(puts) == 3, "%s: PUTs %s" % (dst, puts))
        check(max(sp[2] for sp in puts) < min(sp[3] for sp in puts),
              "%s: the PUTs did not overlap: %s" % (dst, [
                  (sp[1], round(sp[2] - t0, 3), round(sp[3] - t0, 3))
                  for sp in puts]))
        log = logs[-1]
        written = sorted(o["Key"] for o in s3.list_objects_v2(
            Bucket=dst).get("Contents", []))
        if dst == "dst-overlap":
            # The HEAD that orders overwrites follows every upload.
            heads = [sp for sp in proxy.spans
                     if sp[0] == "HEAD" and sp[2] >= t0]
            check(heads and min(sp[2] for sp in heads) >=
                  max(sp[3] for sp in puts),
                  "overlap: a HEAD before the uploads ended: %s" % heads)
            # One after another they take 3 x PUT_DELAY at least.
            check(log["outcome"] == "ok" and
                  log["putMs"] < 2 * PUT_DELAY * 1000,
                  "overlap: putMs %s, log %s" % (log.get("putMs"), log))
            check(res.json() == {"batchItemFailures": []},
                  "overlap: %s" % res.body)
            check(written == sorted(thumb_key(key, n)
                                    for n in CONCURRENT_SIZES),
                  "overlap: wrote %s" % written)
            overlap_ms, overlap_took = log["putMs"], took
        else:
            check(res.json() == {"batchItemFailures": [
                {"itemIdentifier": "m1"}]}, "one of three: %s" % res.body)
            check(written == sorted([thumb_key(key, first),
                                     thumb_key(key, last)]),
                  "one of three: wrote %s" % written)
            check(log["outcome"] == "error" and
                  [o["size"] for o in log["outputs"]] == [first, last] and
                  [o["key"] for o in log["outputs"]] ==
                  [thumb_key(key, first), thumb_key(key, last)] and
                  [(f["size"], f["errorClass"])
                   for f in log["failedOutputs"]] == [(middle, "s3_access")]
                  and log["putMs"] >= 2 * PUT_DELAY * 1000,
                  "one of three: log %s" % log)
    print("concurrent: three PUTs each %d ms late overlap, putMs %.0f "
          "(one after another: >= %d), invocation %.0f ms; with the middle "
          "size's PUT failing and the others ending last-first, those two "
          "are written, the log in THUMB_SIZES order" %
          (PUT_DELAY * 1000, overlap_ms, round(3 * PUT_DELAY * 1000),
           overlap_took * 1000))


def phase_stall(procs, args, endpoint, q_arn):
    """A GET that never answers: failed within the deadline."""
    proxy = FaultProxy(endpoint, lambda m, p, seen: (
        ("stall", STALL_SECONDS) if m == "GET" else None))
    bs = Bootstrap(procs, args.bootstrap, base_env(proxy.address, "src",
                                                   "dst"))
    try:
        t0 = time.monotonic()
        res = bs.invoke(sqs_event(q_arn, [fake_message(
            "m1", s3_event("src", SOURCE_PREFIX + GOOD[0][1], 1))]),
            timeout_ms=STALL_DEADLINE_MS)
        took_ms = (time.monotonic() - t0) * 1000
        logs, _ = records(bs)
    finally:
        bs.close()
        proxy.close()
    check(res.kind == "response" and res.json() == {
        "batchItemFailures": [{"itemIdentifier": "m1"}]},
        "stall: %s %s" % (res.kind, res.body))
    check(took_ms < STALL_DEADLINE_MS, "stall: answered after %.0f ms" %
          took_ms)
    check(logs[0]["errorClass"] == "s3_transport", "stall: %s" % logs)
    print("stall: a GET that never answers fails the message in %.0f ms, "
          "before the %d ms deadline" % (took_ms, STALL_DEADLINE_MS))


def phase_oversized(procs, args, endpoint, s3, q_arn):
    """Refused from Content-Length, before the body."""
    key = SOURCE_PREFIX + "big.jpg"
    data = open(os.path.join(args.corpus, "jpeg/2569067123_aca715a2ee_o.jpg"),
                "rb").read()
    check(len(data) > SMALL_LIMIT, "the big file is not big")
    s3.put_object(Bucket="src", Key=key, Body=data)
    proxy = FaultProxy(endpoint, lambda m, p, seen: (
        ("hold_body", HOLD_SECONDS) if m == "GET" else None))
    env = base_env(proxy.address, "src", "dst")
    env["THUMB_MAX_INPUT_BYTES"] = str(SMALL_LIMIT)
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        t0 = time.monotonic()
        res = bs.invoke(sqs_event(q_arn, [fake_message(
            "m1", s3_event("src", key, len(data)))]))
        took = time.monotonic() - t0
        logs, _ = records(bs)
    finally:
        bs.close()
        proxy.close()
    check(res.json() == {"batchItemFailures": [{"itemIdentifier": "m1"}]},
          "oversized: %s" % res.body)
    check(logs[0]["errorClass"] == "input_too_large", "oversized: %s" % logs)
    check(took < HOLD_SECONDS / 2, "oversized: %.1f s, the body was awaited"
          % took)
    print("oversized: refused from Content-Length in %.2f s, the body held "
          "back %d s never read" % (took, HOLD_SECONDS))


def phase_kill(procs, args, workdir, endpoint, s3):
    """kill -9 in the middle of a batch loses nothing."""
    sqs = client("sqs", endpoint)
    q_url, q_arn, dlq_url = e2e.make_queue(sqs, "kill", VISIBILITY_TIMEOUT,
                                           KILL_MAX_RECEIVES)
    s3.create_bucket(Bucket="dst-kill")
    for _, key in GOOD:
        sqs.send_message(QueueUrl=q_url, MessageBody=json.dumps(
            s3_event("src", SOURCE_PREFIX + key, 1)))
    # The second object's GET stalls: bootstrap is killed while the first
    # object's thumbnails are written and the second's not.
    second = SOURCE_PREFIX + GOOD[1][1]
    proxy = FaultProxy(endpoint, lambda m, p, seen: (
        ("stall", STALL_SECONDS) if m == "GET" and p.endswith(second)
        else None))
    env = base_env(proxy.address, "src", "dst-kill")
    bs = Bootstrap(procs, args.bootstrap, env)
    try:
        msgs = []
        end = time.monotonic() + 10
        while len(msgs) < len(GOOD) and time.monotonic() < end:
            msgs += sqs.receive_message(QueueUrl=q_url,
                                        MaxNumberOfMessages=10,
                                        WaitTimeSeconds=1).get("Messages", [])
        check(len(msgs) == len(GOOD), "kill: received %d" % len(msgs))
        # The first object, then the one that stalls.
        msgs.sort(key=lambda m: e2e.body_keys(m["Body"]) == [second])
        def invoke_until_killed():
            try:
                bs.invoke(sqs_event(q_arn, msgs))
            except RuntimeError:
                pass  # "bootstrap exited with -9": what this is about

        t = threading.Thread(target=invoke_until_killed, daemon=True)
        t.start()
        end = time.monotonic() + 20
        while proxy.count(method="GET", action="stall") == 0:
            check(time.monotonic() < end, "kill: the stall never came")
            time.sleep(0.05)
        first = SOURCE_PREFIX + GOOD[0][1]
        written = [o["Key"] for o in s3.list_objects_v2(
            Bucket="dst-kill").get("Contents", [])]
        check(sorted(written) == sorted(thumb_key(first, n)
                                        for n in sizes()),
              "kill: before the kill %s" % written)
        os.kill(bs.proc.pid, signal.SIGKILL)
        bs.proc.wait(5)
    finally:
        bs.close()
        proxy.close()
    # Lambda starts a new process; the messages come back after the
    # visibility timeout.
    bs = Bootstrap(procs, args.bootstrap, base_env(endpoint, "src",
                                                   "dst-kill"))
    try:
        e2e.drain(bs, sqs, q_url, q_arn)
    finally:
        bs.close()
    for corpus_path, key in GOOD:
        for name, data in expected(args, workdir, corpus_path).items():
            got = s3.get_object(Bucket="dst-kill", Key=thumb_key(
                SOURCE_PREFIX + key, name))["Body"].read()
            check(got == data, "kill: %s %s wrong bytes" % (key, name))
    check(e2e.peek_keys(sqs, dlq_url) == [], "kill: DLQ not empty")
    print("kill -9: bootstrap killed mid-batch (one object done, one "
          "begun); after the visibility "
          "timeout a new process made every thumbnail, the DLQ is empty")


def life_event(key, name):
    event = s3_event("src", key, 1)
    event["Records"][0]["eventName"] = name
    return event


CREATED, REMOVED = "ObjectCreated:Put", "ObjectRemoved:Delete"


def phase_lifecycle(procs, args, workdir, endpoint, s3):
    """Deletions and overwrites in any order end with the thumbnails of the
    latest version, or none."""
    dst = "dst-life"
    s3.create_bucket(Bucket=dst)
    v1_path, v2_path = ("orientation/Landscape_1.jpg",
                        "orientation/Portrait_1.jpg")
    v1 = open(os.path.join(args.corpus, v1_path), "rb").read()
    v2 = open(os.path.join(args.corpus, v2_path), "rb").read()
    refs = {v1_path: expected(args, workdir, v1_path),
            v2_path: expected(args, workdir, v2_path)}
    # What to do, once, when the first thumbnail PUT arrives.
    pending = []

    def rule(method, path, seen):
        if method == "PUT" and path.startswith("/" + dst + "/") and pending:
            pending.pop()()
        return None

    proxy = FaultProxy(endpoint, rule)
    bs = Bootstrap(procs, args.bootstrap, base_env(proxy.address, "src",
                                                   dst))

    def listed(key):
        """The thumbnails of key in the destination."""
        mine = {thumb_key(key, n) for n in sizes()}
        return sorted(o["Key"] for o in s3.list_objects_v2(
            Bucket=dst).get("Contents", []) if o["Key"] in mine)

    def holds(key, version):
        want = refs[version]
        check(listed(key) == sorted(thumb_key(key, n) for n in want),
              "%s: %s" % (key, listed(key)))
        for name, data in want.items():
            got = s3.get_object(Bucket=dst, Key=thumb_key(key, name))
            check(got["Body"].read() == data, "%s %s: not %s" % (key, name,
                                                                 version))

    def run(key, *names):
        for name in names:
            res = bs.invoke(life_event(key, name))
            check(res.kind == "response", "%s %s: %s" % (key, name,
                                                         res.body))

    try:
        key = SOURCE_PREFIX + "life-1.jpg"
        s3.put_object(Bucket="src", Key=key, Body=v1)
        run(key, CREATED)
        holds(key, v1_path)
        s3.delete_object(Bucket="src", Key=key)
        run(key, REMOVED)
        check(listed(key) == [], "deleted: %s" % listed(key))

        # A delete processed before an older create's redelivery.
        key = SOURCE_PREFIX + "life-2.jpg"
        s3.put_object(Bucket="src", Key=key, Body=v1)
        s3.delete_object(Bucket="src", Key=key)
        run(key, REMOVED, CREATED)
        check(listed(key) == [], "late create: %s" % listed(key))

        # Deleted while its thumbnails are written.
        key = SOURCE_PREFIX + "life-3.jpg"
        s3.put_object(Bucket="src", Key=key, Body=v1)
        pending.append(lambda: s3.delete_object(Bucket="src", Key=key))
        run(key, CREATED)
        check(listed(key) == [], "deleted while made: %s" % listed(key))

        # Overwritten while its thumbnails are written, then the first
        # upload's event again, late; then v2's own.
        key = SOURCE_PREFIX + "life-4.jpg"
        s3.put_object(Bucket="src", Key=key, Body=v1)
        pending.append(lambda: s3.put_object(Bucket="src", Key=key, Body=v2))
        run(key, CREATED)
        holds(key, v2_path)
        run(key, CREATED, CREATED)
        holds(key, v2_path)

        # Deleted and uploaded again; the events come in reverse.
        key = SOURCE_PREFIX + "life-5.jpg"
        s3.put_object(Bucket="src", Key=key, Body=v1)
        s3.delete_object(Bucket="src", Key=key)
        s3.put_object(Bucket="src", Key=key, Body=v2)
        run(key, CREATED, REMOVED, CREATED)
        holds(key, v2_path)
        s3.delete_object(Bucket="src", Key=key)
        run(key, REMOVED)
        check(listed(key) == [], "all deleted: %s" % listed(key))
        logs, emf = records(bs)
    finally:
        bs.close()
        proxy.close()
    check(not pending, "a race was never played")
    by_key = {}
    for r in logs:
        by_key.setdefault(r["key"].rsplit("/", 1)[-1], []).append(r)
    check([r.get("sourceChanges") for r in by_key["life-4.jpg"]][0] == 1,
          "overwrite: %s" % by_key["life-4.jpg"][0])
    check([r["outcome"] for r in by_key["life-3.jpg"]] == ["skipped"],
          "deleted while made: %s" % by_key["life-3.jpg"])
    check(by_key["life-5.jpg"][1]["errorClass"] == "source_recreated",
          "late remove: %s" % by_key["life-5.jpg"][1])
    check(sum(d["Errors"] for d in emf) == 0, "lifecycle errors: %s" % emf)
    print("lifecycle: deletions leave nothing; a late create, a delete or "
          "an upload during the writes, and events out of order end with "
          "the latest version's thumbnails (bytes checked) or none")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--pil-python", default="/usr/bin/python3")
    args = ap.parse_args()
    e2e.clean_environment()
    with tempfile.TemporaryDirectory() as workdir, Processes() as procs:
        endpoint, s3 = e2e.moto_with_sources(procs, workdir, "faults",
                                             args.corpus, GOOD)
        sqs = client("sqs", endpoint)
        q_url = sqs.create_queue(QueueName="direct")["QueueUrl"]
        q_arn = sqs.get_queue_attributes(
            QueueUrl=q_url,
            AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        phase_forbidden(procs, args, endpoint, s3, q_arn)
        phase_transient(procs, args, workdir, endpoint, s3)
        phase_one_output(procs, args, workdir, endpoint, s3, q_arn)
        phase_concurrent(procs, args, endpoint, s3, q_arn)
        phase_stall(procs, args, endpoint, q_arn)
        phase_oversized(procs, args, endpoint, s3, q_arn)
        phase_kill(procs, args, workdir, endpoint, s3)
        phase_lifecycle(procs, args, workdir, endpoint, s3)
    print("lambda faults: all checks passed")


if __name__ == "__main__":
    main()
