/*
 * config.h -- the runtime's configuration, read from environment
 * variables (the template sets them), checked once at start: a bad
 * configuration is reported to Lambda as an init error, before any event
 * is taken.
 *
 *   THUMB_SOURCE_BUCKET     bucket the trigger listens on (required)
 *   THUMB_SOURCE_PREFIX     key prefix the trigger listens on (default "")
 *   THUMB_DEST_BUCKET       bucket thumbnails are written to (required)
 *   THUMB_SIZES             comma-separated sizes made per upload: N, WxH,
 *                           Wx or xH (default "256x256")
 *   THUMB_FIT               inside (default), cover or fill
 *   THUMB_FORMAT            auto (the source's own format, GIF included),
 *                           jpeg, png, webp or gif (default webp)
 *   THUMB_QUALITY           1..100 (default 80)
 *   THUMB_KEY_TEMPLATE      destination key (default
 *                           "thumbnails/{size}/{key_stem}.{ext}"), see
 *                           keytemplate.h
 *   THUMB_CACHE_CONTROL     Cache-Control of thumbnails and on-demand
 *                           responses (default "public, max-age=31536000,
 *                           immutable": a key names one rendition forever)
 *   THUMB_ONDEMAND_SIZES    sizes the on-demand mode serves (default:
 *                           THUMB_SIZES); anything else is refused
 *   THUMB_MAX_INPUT_BYTES   largest source object (default 64 MiB)
 *   THUMB_MAX_PIXELS        largest source image (default 100000000)
 *   THUMB_MIN_REMAINING_MS  an object is not started with less time left
 *                           before the invocation's deadline (default 3000)
 *   THUMB_METRICS_NAMESPACE CloudWatch namespace of the EMF metrics
 *                           (default "libthumbnail")
 *
 * Recursion guard: when THUMB_DEST_BUCKET is THUMB_SOURCE_BUCKET, the
 * fixed part of the key template (before its first '{') must not start
 * with THUMB_SOURCE_PREFIX, nor the prefix with it: otherwise every
 * thumbnail written would trigger the function again.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef THUMB_LAMBDA_CONFIG_H
#define THUMB_LAMBDA_CONFIG_H

#include <thumbnail.h>

#include <stddef.h>
#include <stdint.h>

/* More sizes per upload than this is a configuration mistake, and each
 * costs a decode. */
#define CONFIG_MAX_SIZES 16
/* "65535x65535" and its NUL. */
#define CONFIG_SIZE_NAME_SIZE 12
#define CONFIG_ERROR_SIZE 256

typedef struct config_size {
    int width, height;                /* 0: that axis is free */
    char name[CONFIG_SIZE_NAME_SIZE]; /* "256x256", "200x", "x200" */
} config_size;

typedef struct config_size_list {
    config_size items[CONFIG_MAX_SIZES];
    size_t count;
} config_size_list;

/* Strings point into the environment (or the lookup's storage). */
typedef struct lambda_config {
    const char *source_bucket;
    const char *source_prefix;
    const char *dest_bucket;
    config_size_list sizes;
    config_size_list ondemand_sizes;
    thumb_fit fit;
    thumb_format format;
    int quality;
    const char *key_template;
    const char *cache_control;
    uint64_t max_input_bytes;
    int64_t max_pixels;
    int64_t min_remaining_ms;
    const char *metrics_namespace;
} lambda_config;

/* Returns the value of an environment variable, or NULL. */
typedef const char *(*config_lookup_fn)(void *user, const char *name);

typedef enum config_status { CONFIG_OK = 0, CONFIG_ERR_INVALID } config_status;

/* Reads and checks the configuration (recursion guard included). On
 * failure error names the variable and the problem. */
config_status config_load(lambda_config *cfg, config_lookup_fn lookup,
                          void *user, char *error, size_t error_size);

/* Parses "256x256,200x,x120,64" into list. */
config_status config_parse_sizes(const char *text, config_size_list *list,
                                 char *error, size_t error_size);

/* The entry of list with exactly this width and height, or NULL. */
const config_size *config_find_size(const config_size_list *list, int width,
                                    int height);

#endif /* THUMB_LAMBDA_CONFIG_H */
