"""Checks what cfn-lint cannot know about examples/lambda/template.yaml:
the properties the design requires (issue 8, item 4). Run by
scripts/ci/60-template.sh with the python3 that has cfn-lint."""
import sys

from cfnlint.decode import decode


def main(path):
    tpl, errors = decode(path)
    if errors:
        sys.exit("cannot parse %s: %s" % (path, errors))
    res = tpl["Resources"]
    limits = tpl["Mappings"]["Limits"]["Function"]
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    def of_type(t):
        return {k: v for k, v in res.items() if v["Type"] == t}

    buckets = of_type("AWS::S3::Bucket")
    need(len(buckets) == 2, "two buckets")
    for name, b in buckets.items():
        p = b["Properties"]
        pab = p.get("PublicAccessBlockConfiguration", {})
        need(all(pab.get(k) is True for k in (
            "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
            "RestrictPublicBuckets")), name + ": public access blocked")
        need("BucketEncryption" in p, name + ": encryption")
        need(p.get("VersioningConfiguration", {}).get("Status") == "Enabled",
             name + ": versioning")
        need(p.get("LifecycleConfiguration", {}).get("Rules"),
             name + ": lifecycle rules")
    need(any(t.get("StorageClass") == "STANDARD_IA"
             for r in res["DestinationBucket"]["Properties"]
             ["LifecycleConfiguration"]["Rules"]
             for t in r.get("Transitions", [])),
         "old thumbnails move to cheaper storage")
    policies = of_type("AWS::S3::BucketPolicy")
    tls_only = {str(p["Properties"]["Bucket"]) for p in policies.values()
                if any(s["Effect"] == "Deny" and "aws:SecureTransport" in
                       str(s.get("Condition")) for s in
                       p["Properties"]["PolicyDocument"]["Statement"])}
    need(len(tls_only) == 2, "TLS-only policy on both buckets")

    q = res["ThumbnailQueue"]["Properties"]
    need(limits["QueueVisibilitySeconds"] >= 6 * limits["TimeoutSeconds"],
         "visibility timeout >= 6x function timeout")
    need("deadLetterTargetArn" in q["RedrivePolicy"] and
         "maxReceiveCount" in q["RedrivePolicy"], "redrive policy")
    src = res["SourceBucket"]["Properties"]["NotificationConfiguration"]
    need(src["QueueConfigurations"], "S3 -> SQS notification")
    need(of_type("AWS::SQS::QueuePolicy"), "queue policy for S3")

    fn = res["ThumbnailFunction"]["Properties"]
    need(fn["Runtime"] == "provided.al2023", "provided.al2023")
    need("Ref" in fn["MemorySize"] and "Ref" in fn["ReservedConcurrentExecutions"],
         "memory and reserved concurrency are parameters")
    ev = fn["Events"]["Uploads"]["Properties"]
    need(ev.get("FunctionResponseTypes") == ["ReportBatchItemFailures"],
         "ReportBatchItemFailures")
    actions = {}
    for s in fn["Policies"][0]["Statement"]:
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]):
            actions[a] = str(s["Resource"])
    need(set(a for a in actions if a.startswith("s3:")) ==
         {"s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"},
         "only s3:GetObject, s3:ListBucket, s3:PutObject and s3:DeleteObject")
    # Thumbnails are written and deleted under the key template's prefix
    # only, never anywhere else in the destination.
    for a in ("s3:PutObject", "s3:DeleteObject"):
        need("DestinationBucketName}/${Prefix}*" in actions.get(a, "") and
             "KeyTemplate" in actions.get(a, ""),
             "%s on the thumbnail prefix only" % a)
    events = [q["Event"] for q in src["QueueConfigurations"]]
    need(sorted(events) == ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
         "creations and removals notified: %s" % events)
    need("SourceBucketName" in actions.get("s3:GetObject", ""),
         "GetObject on the source only")
    # On the bucket, not its objects: what makes S3 say 404 for a missing
    # key instead of 403.
    need(actions.get("s3:ListBucket", "").endswith("${SourceBucketName}'}"),
         "ListBucket on the source bucket's ARN")
    need("DestinationBucketName" in actions.get("s3:PutObject", ""),
         "PutObject on the destination only")
    need(not any("*" == a or a.endswith(":*") for a in actions), "no wildcards")
    need(res.get("ThumbnailFunctionUrl", {}).get("Condition") == "OnDemand",
         "optional Function URL")

    alarms = of_type("AWS::CloudWatch::Alarm")
    text = str(alarms)
    need(any("Expression" in str(a["Properties"].get("Metrics")) and
             a["Properties"]["Threshold"] == 1 for a in alarms.values()),
         "error rate > 1% by metric math")
    need(any(a["Properties"].get("ExtendedStatistic") == "p99" and
             a["Properties"]["Threshold"] == 1000 for a in alarms.values()),
         "p99 duration > 1 s")
    need("Throttles" in text, "throttles alarm")
    need("ApproximateNumberOfMessagesVisible" in text, "DLQ alarm")
    need(of_type("AWS::CloudWatch::Dashboard"), "dashboard")

    if problems:
        sys.exit("template.yaml is missing: " + "; ".join(problems))
    print("template.yaml: %d resources, design checks pass" % len(res))


if __name__ == "__main__":
    main(sys.argv[1])
