/*
 * s3_cli.c -- a thin command line over s3.h for the integration test:
 *
 *   s3_cli get BUCKET KEY OUTFILE [MAX_SIZE]
 *   s3_cli put BUCKET KEY INFILE [CONTENT_TYPE [CACHE_CONTROL]]
 *   s3_cli head BUCKET KEY
 *   s3_cli list BUCKET [PREFIX [MAX_KEYS]]
 *
 * Configuration from the environment (aws_config_from_env). Metadata and
 * listings are printed as one JSON object per line; on failure, one line
 * "error <status name>|<http status>|<code>|<attempts>|<message>" on
 * stderr and exit status 1.
 */
#include "s3.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_SIZE (64u << 20)

static int fail(const aws_error *err) {
    fprintf(stderr, "error %s|%ld|%s|%d|%s\n", aws_status_name(err->status),
            err->http_status, err->code, err->attempts, err->message);
    return 1;
}

static void print_info(const s3_object_info *info) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "size", (double)info->size);
    cJSON_AddNumberToObject(o, "last_modified", (double)info->last_modified);
    cJSON_AddStringToObject(o, "content_type", info->content_type);
    cJSON_AddStringToObject(o, "cache_control", info->cache_control);
    cJSON_AddStringToObject(o, "etag", info->etag);
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    cJSON_free(s);
    cJSON_Delete(o);
}

static int print_entry(void *user, const s3_list_entry *e) {
    (void)user;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", e->key);
    cJSON_AddNumberToObject(o, "size", (double)e->size);
    cJSON_AddNumberToObject(o, "last_modified", (double)e->last_modified);
    cJSON_AddStringToObject(o, "etag", e->etag);
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    cJSON_free(s);
    cJSON_Delete(o);
    return 0;
}

static int run(s3_client *c, int argc, char **argv) {
    aws_error err;
    const char *cmd = argv[1];
    if (strcmp(cmd, "get") == 0 && argc >= 5) {
        size_t max = argc > 5 ? strtoull(argv[5], NULL, 10) : DEFAULT_MAX_SIZE;
        unsigned char *data;
        size_t len;
        s3_object_info info;
        if (s3_get_object(c, argv[2], argv[3], max, &data, &len, &info, &err) !=
            AWS_OK)
            return fail(&err);
        FILE *f = fopen(argv[4], "wb");
        int bad = f == NULL || fwrite(data, 1, len, f) != len;
        if (f != NULL && fclose(f) != 0)
            bad = 1;
        free(data);
        if (bad) {
            perror(argv[4]);
            return 1;
        }
        print_info(&info);
        return 0;
    }
    if (strcmp(cmd, "put") == 0 && argc >= 5) {
        FILE *f = fopen(argv[4], "rb");
        if (f == NULL) {
            perror(argv[4]);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        rewind(f);
        unsigned char *data = malloc(n > 0 ? (size_t)n : 1);
        if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
            fclose(f);
            free(data);
            fprintf(stderr, "cannot read %s\n", argv[4]);
            return 1;
        }
        fclose(f);
        s3_put_options opts = {argc > 5 ? argv[5] : NULL,
                               argc > 6 ? argv[6] : NULL};
        aws_status st =
            s3_put_object(c, argv[2], argv[3], data, (size_t)n, &opts, &err);
        free(data);
        return st == AWS_OK ? 0 : fail(&err);
    }
    if (strcmp(cmd, "head") == 0 && argc >= 4) {
        s3_object_info info;
        if (s3_head_object(c, argv[2], argv[3], &info, &err) != AWS_OK)
            return fail(&err);
        print_info(&info);
        return 0;
    }
    if (strcmp(cmd, "list") == 0 && argc >= 3) {
        int max_keys = argc > 4 ? atoi(argv[4]) : 0;
        if (s3_list_objects(c, argv[2], argc > 3 ? argv[3] : NULL, max_keys,
                            print_entry, NULL, &err) != AWS_OK)
            return fail(&err);
        return 0;
    }
    fprintf(stderr, "usage: s3_cli get|put|head|list ...\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: s3_cli get|put|head|list ...\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    aws_config cfg;
    aws_error err;
    s3_client *c = NULL;
    int rc;
    if (aws_config_from_env(&cfg, AWS_SERVICE_S3, &err) != AWS_OK ||
        (c = s3_client_new(&cfg, &err)) == NULL)
        rc = fail(&err);
    else
        rc = run(c, argc, argv);
    s3_client_free(c);
    curl_global_cleanup();
    return rc;
}
