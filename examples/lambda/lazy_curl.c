/* libcurl and libcrypto loaded at first use (see lazy_curl.h). */
#include "lazy_curl.h"

/* This file defines curl_easy_setopt() and curl_easy_getinfo(), which
 * curl.h otherwise wraps in type-checking macros. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOAD_ERROR_SIZE 512

typedef void (*any_function)(void);

/* The real functions. Process-wide by nature: the names they stand in for
 * are. Written once, under load_once. */
static struct {
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    int (*digest)(const void *, size_t, unsigned char *, unsigned int *,
                  const EVP_MD *, ENGINE *);
    const EVP_MD *(*sha256)(void);
    int loaded;
    char error[LOAD_ERROR_SIZE];
} real;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* curl_global_init() and curl_global_cleanup() count their calls in
 * process-wide state and are thread-safe only in a libcurl built so
 * (CURL_VERSION_THREADSAFE, 7.84 and later). bootstrap's upload threads
 * each start a transport of their own (handler.h), possibly at once, so
 * the calls are serialised here whatever libcurl is bundled. */
static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;

/* dlsym() into a function pointer (POSIX guarantees the sizes match). */
static int bind_symbol(void *lib, const char *name, void *slot) {
    void *p = dlsym(lib, name);
    if (!p)
        return -1;
    memcpy(slot, &p, sizeof p);
    return 0;
}

static void load(void) {
    /* RTLD_LAZY, as the loader would have done at exec: functions are
     * bound at their first call, not all ~30 libraries' at once. */
    void *curl = dlopen(LAZY_CURL_LIBCURL, RTLD_LAZY | RTLD_LOCAL);
    void *crypto =
        curl ? dlopen(LAZY_CURL_LIBCRYPTO, RTLD_LAZY | RTLD_LOCAL) : NULL;
    if (!curl || !crypto) {
        const char *why = dlerror();
        snprintf(real.error, sizeof real.error, "cannot load %s: %s",
                 curl ? LAZY_CURL_LIBCRYPTO : LAZY_CURL_LIBCURL,
                 why ? why : "unknown error");
        return;
    }
    const char *missing = NULL;
#define BIND(lib, name, slot)                                                  \
    do {                                                                       \
        if (!missing && bind_symbol(lib, name, &real.slot) != 0)               \
            missing = name;                                                    \
    } while (0)
    BIND(curl, "curl_global_init", global_init);
    BIND(curl, "curl_global_cleanup", global_cleanup);
    BIND(curl, "curl_easy_init", easy_init);
    BIND(curl, "curl_easy_cleanup", easy_cleanup);
    BIND(curl, "curl_easy_reset", easy_reset);
    BIND(curl, "curl_easy_setopt", easy_setopt);
    BIND(curl, "curl_easy_perform", easy_perform);
    BIND(curl, "curl_easy_getinfo", easy_getinfo);
    BIND(curl, "curl_easy_strerror", easy_strerror);
    BIND(curl, "curl_slist_append", slist_append);
    BIND(curl, "curl_slist_free_all", slist_free_all);
    BIND(crypto, "EVP_Digest", digest);
    BIND(crypto, "EVP_sha256", sha256);
#undef BIND
    if (missing) {
        snprintf(real.error, sizeof real.error, "%s: no symbol %s",
                 strncmp(missing, "EVP_", strlen("EVP_")) == 0
                     ? LAZY_CURL_LIBCRYPTO
                     : LAZY_CURL_LIBCURL,
                 missing);
        return;
    }
    real.loaded = 1;
}

static int loaded(void) {
    return pthread_once(&load_once, load) == 0 && real.loaded;
}

int lazy_curl_load(char *error, size_t error_size) {
    if (loaded())
        return 0;
    if (error && error_size > 0)
        snprintf(error, error_size, "%s",
                 real.error[0] ? real.error : "cannot load libcurl");
    return -1;
}

/* ---- libcurl ---- */

CURLcode curl_global_init(long flags) {
    if (!loaded())
        return CURLE_FAILED_INIT;
    pthread_mutex_lock(&global_lock);
    CURLcode rc = real.global_init(flags);
    pthread_mutex_unlock(&global_lock);
    return rc;
}

void curl_global_cleanup(void) {
    if (!loaded())
        return;
    pthread_mutex_lock(&global_lock);
    real.global_cleanup();
    pthread_mutex_unlock(&global_lock);
}

CURL *curl_easy_init(void) {
    return loaded() ? real.easy_init() : NULL;
}

void curl_easy_cleanup(CURL *curl) {
    if (loaded())
        real.easy_cleanup(curl);
}

void curl_easy_reset(CURL *curl) {
    if (loaded())
        real.easy_reset(curl);
}

/* clang-analyzer misses va_start() in these two (a known false positive). */
// NOLINTBEGIN(clang-analyzer-valist.Uninitialized)
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...) {
    if (!loaded())
        return CURLE_FAILED_INIT;
    /* libcurl reads the argument as the type the option's number encodes
     * (curl.h, CURLOPTTYPE_*), so it is passed on as that type. */
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    /* The branches differ in the type va_arg() reads, which the check
     * does not see. */
    // NOLINTBEGIN(bugprone-branch-clone)
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = real.easy_setopt(curl, option, va_arg(ap, long));
    else if (option >= CURLOPTTYPE_FUNCTIONPOINT && option < CURLOPTTYPE_OFF_T)
        rc = real.easy_setopt(curl, option, va_arg(ap, any_function));
    else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
        rc = real.easy_setopt(curl, option, va_arg(ap, curl_off_t));
    else /* objects, strings, lists and blobs */
        rc = real.easy_setopt(curl, option, va_arg(ap, void *));
    // NOLINTEND(bugprone-branch-clone)
    va_end(ap);
    return rc;
}

CURLcode curl_easy_perform(CURL *curl) {
    return loaded() ? real.easy_perform(curl) : CURLE_FAILED_INIT;
}

CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...) {
    if (!loaded())
        return CURLE_FAILED_INIT;
    /* Every CURLINFO_* takes a pointer to where the answer goes. */
    va_list ap;
    va_start(ap, info);
    CURLcode rc = real.easy_getinfo(curl, info, va_arg(ap, void *));
    va_end(ap);
    return rc;
}
// NOLINTEND(clang-analyzer-valist.Uninitialized)

const char *curl_easy_strerror(CURLcode code) {
    return loaded() ? real.easy_strerror(code) : real.error;
}

struct curl_slist *curl_slist_append(struct curl_slist *list,
                                     const char *string) {
    return loaded() ? real.slist_append(list, string) : NULL;
}

void curl_slist_free_all(struct curl_slist *list) {
    if (loaded())
        real.slist_free_all(list);
}

/* ---- libcrypto ---- */

int EVP_Digest(const void *data, size_t count, unsigned char *md,
               unsigned int *size, const EVP_MD *type, ENGINE *impl) {
    return loaded() ? real.digest(data, count, md, size, type, impl) : 0;
}

const EVP_MD *EVP_sha256(void) {
    return loaded() ? real.sha256() : NULL;
}
