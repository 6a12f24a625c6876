/*
 * aws_env.c -- configuration from the variables every AWS SDK reads, so
 * the same settings work here, in the CLI and inside Lambda.
 */
#include "aws_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v != NULL && *v ? v : NULL;
}

aws_status aws_config_from_env(aws_config *cfg, aws_service service,
                               aws_error *err) {
    if (err != NULL)
        memset(err, 0, sizeof *err);
    memset(cfg, 0, sizeof *cfg);
    cfg->service = service;
    cfg->access_key_id = env("AWS_ACCESS_KEY_ID");
    cfg->secret_access_key = env("AWS_SECRET_ACCESS_KEY");
    cfg->session_token = env("AWS_SESSION_TOKEN");
    cfg->region = env("AWS_REGION");
    if (cfg->region == NULL)
        cfg->region = env("AWS_DEFAULT_REGION");
    cfg->endpoint = env(service == AWS_SERVICE_SQS ? "AWS_ENDPOINT_URL_SQS"
                                                   : "AWS_ENDPOINT_URL_S3");
    if (cfg->endpoint == NULL)
        cfg->endpoint = env("AWS_ENDPOINT_URL");
    cfg->ca_bundle = env("AWS_CA_BUNDLE");
    if (cfg->access_key_id == NULL)
        return aws_fail(err, AWS_ERR_ARG,
                        "environment: AWS_ACCESS_KEY_ID is "
                        "not set");
    if (cfg->secret_access_key == NULL)
        return aws_fail(err, AWS_ERR_ARG,
                        "environment: AWS_SECRET_ACCESS_KEY is not set");
    if (cfg->region == NULL)
        return aws_fail(err, AWS_ERR_ARG,
                        "environment: neither AWS_REGION nor "
                        "AWS_DEFAULT_REGION is set");
    return AWS_OK;
}
