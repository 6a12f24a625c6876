"""thumbnail-reconcile (examples/lambda/reconcile.c) against moto_server on
127.0.0.1: which sources it reports as missing or stale thumbnails, what it
enqueues, and how it refuses a bad configuration. It reuses the S3
adapter's moto harness (examples/s3/tests/test_s3_moto.py): the Lambda is
built on that adapter, so its tests may be too.
"""
import argparse
import json
import os
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "s3", "tests"))
from test_s3_moto import NoAuthServer, run  # noqa: E402

ARGS = None


class ReconcileTest(NoAuthServer, unittest.TestCase):
    def test_reconcile_and_enqueue(self):
        src = self.bucket("rec-src")
        dst = self.bucket("rec-dst")
        queue = self.sqs.create_queue(QueueName="rec-q")["QueueUrl"]
        sizes = ["256x256", "64x64"]

        def thumb(key, size):
            stem = key.rsplit(".", 1)[0]
            return "thumbnails/%s/%s.webp" % (size, stem)

        # stale: thumbnails written, then the source replaced.
        for s in sizes:
            self.s3.put_object(Bucket=dst, Key=thumb("stale one.jpg", s),
                               Body=b"t")
        time.sleep(1.1)  # S3 times have one-second resolution
        sources = {"done+ok.jpg": 10, "half \u00e9.png": 20,
                   "none%.jpg": 30, "stale one.jpg": 40}
        for key, n in sources.items():
            self.s3.put_object(Bucket=src, Key=key, Body=b"s" * n)
        time.sleep(1.1)
        for s in sizes:
            self.s3.put_object(Bucket=dst, Key=thumb("done+ok.jpg", s),
                               Body=b"t")
        self.s3.put_object(Bucket=dst, Key=thumb("half \u00e9.png", "64x64"),
                           Body=b"t")
        env = self.env(THUMB_SOURCE_BUCKET=src, THUMB_DEST_BUCKET=dst,
                       THUMB_SIZES="256x256,64x64", THUMB_FORMAT="webp")
        r = run([ARGS.reconcile, "--max-keys", "2"], env)
        found = {}
        for line in r.stdout.decode().splitlines():
            rec = json.loads(line)
            found[rec["key"]] = (sorted(rec["missing"]), sorted(rec["stale"]))
        self.assertEqual(found, {
            "half \u00e9.png": (["256x256"], []),
            "none%.jpg": (["256x256", "64x64"], []),
            "stale one.jpg": ([], ["256x256", "64x64"]),
        })
        self.assertEqual(self.sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])
            ["Attributes"]["ApproximateNumberOfMessages"], "0")

        run([ARGS.reconcile, "--enqueue", queue], env)
        events = {}
        while True:
            msgs = self.sqs.receive_message(
                QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            if not msgs:
                break
            for m in msgs:
                rec = json.loads(m["Body"])["Records"][0]
                self.assertEqual(rec["eventSource"], "aws:s3")
                self.assertTrue(rec["eventName"].startswith("ObjectCreated:"))
                self.assertEqual(rec["s3"]["bucket"]["name"], src)
                # Form-encoded as S3 does it: the function decodes it so.
                key = urllib.parse.unquote_plus(rec["s3"]["object"]["key"])
                events[key] = rec["s3"]["object"]["size"]
                self.sqs.delete_message(QueueUrl=queue,
                                        ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(events, {k: sources[k] for k in found})

    def test_reconcile_bad_configuration(self):
        r = run([ARGS.reconcile], self.env(THUMB_SOURCE_BUCKET="a"),
                check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"THUMB_DEST_BUCKET", r.stderr)
        r = run([ARGS.reconcile, "--bogus"], self.env(), check=False)
        self.assertEqual(r.returncode, 2)



def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--reconcile", required=True)
    ARGS, rest = p.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
