/* Configuration from the environment, and the recursion guard. */
#include "config.h"

#include "keytemplate.h"
#include "names.h"
#include "set_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SIZES "256x256"
#define DEFAULT_QUALITY 80
#define DEFAULT_KEY_TEMPLATE "thumbnails/{size}/{key_stem}.{ext}"
/* A destination key names one rendition of one source version for good
 * (re-uploads overwrite it with the same rendition of the new bytes), so
 * caches may keep it for a year, the longest RFC 9111 suggests. */
#define DEFAULT_CACHE_CONTROL "public, max-age=31536000, immutable"
/* Well under the memory of the usual function sizes, well over photos. */
#define DEFAULT_MAX_INPUT_BYTES (64ull << 20)
/* The library's own default: 100 MP, a large camera's photo. */
#define DEFAULT_MAX_PIXELS 100000000ll
/* A T1-sized JPEG takes well under 100 ms; 3 s leaves room for a slow
 * download and the uploads of several sizes. */
#define DEFAULT_MIN_REMAINING_MS 3000
#define DEFAULT_METRICS_NAMESPACE "libthumbnail"
/* Above this, the remaining-time margin would exceed Lambda's longest
 * timeout (15 minutes). */
#define MAX_MIN_REMAINING_MS (15ll * 60 * 1000)
/* Checked here without calling the library, so that tools which share
 * this parser (thumbnail-reconcile) need not link it. S3's largest single
 * PUT is 5 GiB: no source object can be larger. */
#define MAX_INPUT_BYTES_LIMIT (5ll << 30)
/* THUMB_MAX_DIMENSION squared: no image can declare more. */
#define MAX_PIXELS_LIMIT                                                       \
    ((long long)THUMB_MAX_DIMENSION * (long long)THUMB_MAX_DIMENSION)

/* A variable's value, NULL when unset or empty. */
static const char *lookup_value(config_lookup_fn lookup, void *user,
                                const char *name) {
    const char *v = lookup(user, name);
    return v && *v ? v : NULL;
}

static int parse_int(const char *s, long long min, long long max,
                     long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

/* "N", "WxH", "Wx" or "xH", as the thumbnail command takes them. */
static int parse_one_size(const char *s, size_t n, config_size *out) {
    char buf[CONFIG_SIZE_NAME_SIZE];
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *x = strchr(buf, 'x');
    long long w = 0, h = 0;
    if (!x) {
        if (!parse_int(buf, 1, THUMB_MAX_DIMENSION, &w))
            return 0;
        h = w;
    } else {
        *x = '\0';
        if (buf[0] && !parse_int(buf, 1, THUMB_MAX_DIMENSION, &w))
            return 0;
        if (x[1] && !parse_int(x + 1, 1, THUMB_MAX_DIMENSION, &h))
            return 0;
        if (w == 0 && h == 0)
            return 0;
    }
    out->width = (int)w;
    out->height = (int)h;
    if (w && h)
        snprintf(out->name, sizeof out->name, "%dx%d", (int)w, (int)h);
    else if (w)
        snprintf(out->name, sizeof out->name, "%dx", (int)w);
    else
        snprintf(out->name, sizeof out->name, "x%d", (int)h);
    return 1;
}

config_status config_parse_sizes(const char *text, config_size_list *list,
                                 char *error, size_t error_size) {
    list->count = 0;
    const char *p = text;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (list->count == CONFIG_MAX_SIZES) {
            set_error(error, error_size, "more than %d sizes in \"%.64s\"",
                      CONFIG_MAX_SIZES, text);
            return CONFIG_ERR_INVALID;
        }
        config_size *size = &list->items[list->count];
        if (!parse_one_size(p, n, size)) {
            set_error(error, error_size,
                      "bad size \"%.*s\" (N, WxH, Wx or xH, 1..%d)",
                      (int)(n < 32 ? n : 32), p, THUMB_MAX_DIMENSION);
            return CONFIG_ERR_INVALID;
        }
        if (config_find_size(list, size->width, size->height)) {
            set_error(error, error_size, "size %s listed twice", size->name);
            return CONFIG_ERR_INVALID;
        }
        list->count++;
        if (!comma)
            return CONFIG_OK;
        p = comma + 1;
    }
}

const config_size *config_find_size(const config_size_list *list, int width,
                                    int height) {
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].width == width && list->items[i].height == height)
            return &list->items[i];
    return NULL;
}

/* The template must name the source key, and the size when there are
 * several, or different thumbnails would overwrite each other. Expanding
 * it once also catches syntax errors before the first event. */
static config_status check_template(const lambda_config *cfg, char *error,
                                    size_t error_size) {
    const char *t = cfg->key_template;
    char key[KEYTEMPLATE_MAX_KEY_BYTES + 1];
    keytemplate_vars vars = {"photo.jpg", "1x1", 1, 1, "jpg"};
    if (keytemplate_expand(t, &vars, key, sizeof key) != KEYTEMPLATE_OK) {
        set_error(error, error_size,
                  "THUMB_KEY_TEMPLATE \"%.100s\": unknown placeholder, "
                  "unbalanced brace or empty",
                  t);
        return CONFIG_ERR_INVALID;
    }
    if (!strstr(t, "{key}") && !strstr(t, "{key_stem}")) {
        set_error(error, error_size,
                  "THUMB_KEY_TEMPLATE names neither {key} nor {key_stem}: "
                  "every source would write the same key");
        return CONFIG_ERR_INVALID;
    }
    if (cfg->sizes.count > 1 && !strstr(t, "{size}") &&
        !(strstr(t, "{width}") && strstr(t, "{height}"))) {
        set_error(error, error_size,
                  "THUMB_KEY_TEMPLATE names no {size} (or {width} and "
                  "{height}) but THUMB_SIZES has %zu sizes",
                  cfg->sizes.count);
        return CONFIG_ERR_INVALID;
    }
    return CONFIG_OK;
}

/* Refuses configurations where a thumbnail could land where the trigger
 * listens: the function would then process its own output, forever. */
static config_status check_recursion(const lambda_config *cfg, char *error,
                                     size_t error_size) {
    if (strcmp(cfg->source_bucket, cfg->dest_bucket) != 0)
        return CONFIG_OK;
    size_t fixed = keytemplate_fixed_prefix(cfg->key_template);
    size_t prefix = strlen(cfg->source_prefix);
    size_t common = fixed < prefix ? fixed : prefix;
    if (memcmp(cfg->key_template, cfg->source_prefix, common) == 0) {
        set_error(error, error_size,
                  "recursion guard: thumbnails would be written to "
                  "s3://%.63s/%.*s..., where the trigger listens "
                  "(THUMB_SOURCE_PREFIX \"%.100s\"); use another bucket or "
                  "disjoint prefixes",
                  cfg->dest_bucket, (int)(fixed < 100 ? fixed : 100),
                  cfg->key_template, cfg->source_prefix);
        return CONFIG_ERR_INVALID;
    }
    return CONFIG_OK;
}

config_status config_load(lambda_config *cfg, config_lookup_fn lookup,
                          void *user, char *error, size_t error_size) {
    memset(cfg, 0, sizeof *cfg);
    const char *v;
    long long n;

    cfg->source_bucket = lookup_value(lookup, user, "THUMB_SOURCE_BUCKET");
    cfg->dest_bucket = lookup_value(lookup, user, "THUMB_DEST_BUCKET");
    if (!cfg->source_bucket || !cfg->dest_bucket) {
        set_error(error, error_size, "%s is not set",
                  cfg->source_bucket ? "THUMB_DEST_BUCKET"
                                     : "THUMB_SOURCE_BUCKET");
        return CONFIG_ERR_INVALID;
    }
    v = lookup_value(lookup, user, "THUMB_SOURCE_PREFIX");
    cfg->source_prefix = v ? v : "";

    v = lookup_value(lookup, user, "THUMB_SIZES");
    char why[CONFIG_ERROR_SIZE];
    if (config_parse_sizes(v ? v : DEFAULT_SIZES, &cfg->sizes, why,
                           sizeof why) != CONFIG_OK) {
        set_error(error, error_size, "THUMB_SIZES: %s", why);
        return CONFIG_ERR_INVALID;
    }
    v = lookup_value(lookup, user, "THUMB_ONDEMAND_SIZES");
    if (!v) {
        cfg->ondemand_sizes = cfg->sizes;
    } else if (config_parse_sizes(v, &cfg->ondemand_sizes, why, sizeof why) !=
               CONFIG_OK) {
        set_error(error, error_size, "THUMB_ONDEMAND_SIZES: %s", why);
        return CONFIG_ERR_INVALID;
    }

    v = lookup_value(lookup, user, "THUMB_FIT");
    cfg->fit = THUMB_FIT_INSIDE;
    if (v && !names_parse_fit(v, &cfg->fit)) {
        set_error(error, error_size,
                  "THUMB_FIT \"%.32s\": inside, cover or fill", v);
        return CONFIG_ERR_INVALID;
    }
    v = lookup_value(lookup, user, "THUMB_FORMAT");
    cfg->format = THUMB_FORMAT_WEBP;
    if (v && !names_parse_format(v, &cfg->format)) {
        set_error(error, error_size,
                  "THUMB_FORMAT \"%.32s\": auto, jpeg, png, webp, gif or avif",
                  v);
        return CONFIG_ERR_INVALID;
    }
    v = lookup_value(lookup, user, "THUMB_QUALITY");
    cfg->quality = DEFAULT_QUALITY;
    if (v) {
        if (!parse_int(v, 1, 100, &n)) {
            set_error(error, error_size, "THUMB_QUALITY \"%.32s\": 1..100", v);
            return CONFIG_ERR_INVALID;
        }
        cfg->quality = (int)n;
    }
    v = lookup_value(lookup, user, "THUMB_KEY_TEMPLATE");
    cfg->key_template = v ? v : DEFAULT_KEY_TEMPLATE;
    v = lookup_value(lookup, user, "THUMB_CACHE_CONTROL");
    cfg->cache_control = v ? v : DEFAULT_CACHE_CONTROL;
    v = lookup_value(lookup, user, "THUMB_METRICS_NAMESPACE");
    cfg->metrics_namespace = v ? v : DEFAULT_METRICS_NAMESPACE;

    v = lookup_value(lookup, user, "THUMB_MAX_INPUT_BYTES");
    cfg->max_input_bytes = DEFAULT_MAX_INPUT_BYTES;
    if (v) {
        if (!parse_int(v, 1, MAX_INPUT_BYTES_LIMIT, &n)) {
            set_error(error, error_size,
                      "THUMB_MAX_INPUT_BYTES \"%.32s\": 1..%lld", v,
                      MAX_INPUT_BYTES_LIMIT);
            return CONFIG_ERR_INVALID;
        }
        cfg->max_input_bytes = (uint64_t)n;
    }
    v = lookup_value(lookup, user, "THUMB_MAX_PIXELS");
    cfg->max_pixels = DEFAULT_MAX_PIXELS;
    if (v) {
        if (!parse_int(v, 1, MAX_PIXELS_LIMIT, &n)) {
            set_error(error, error_size, "THUMB_MAX_PIXELS \"%.32s\": 1..%lld",
                      v, MAX_PIXELS_LIMIT);
            return CONFIG_ERR_INVALID;
        }
        cfg->max_pixels = n;
    }
    v = lookup_value(lookup, user, "THUMB_MIN_REMAINING_MS");
    cfg->min_remaining_ms = DEFAULT_MIN_REMAINING_MS;
    if (v) {
        if (!parse_int(v, 0, MAX_MIN_REMAINING_MS, &n)) {
            set_error(error, error_size,
                      "THUMB_MIN_REMAINING_MS \"%.32s\": 0..%lld", v,
                      MAX_MIN_REMAINING_MS);
            return CONFIG_ERR_INVALID;
        }
        cfg->min_remaining_ms = n;
    }

    if (check_template(cfg, error, error_size) != CONFIG_OK)
        return CONFIG_ERR_INVALID;
    return check_recursion(cfg, error, error_size);
}
