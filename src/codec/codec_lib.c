/* libheif and libjxl loaded at first use (see codec_lib.h). */
#include "codec_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The names dlopen() looks for: the sonames of Debian 12's libheif 1.15
 * and libjxl 0.7, against whose headers the tables are built. A build
 * may name others (the absent-library test names missing ones). */
#ifndef CODEC_LIB_HEIF_SONAME
#define CODEC_LIB_HEIF_SONAME "libheif.so.1"
#endif
#ifndef CODEC_LIB_JXL_SONAME
#define CODEC_LIB_JXL_SONAME "libjxl.so.0.7"
#endif
#ifndef CODEC_LIB_AVIF_SONAME
#define CODEC_LIB_AVIF_SONAME "libavif.so.15"
#endif

/* Built only when one of them is configured (CMakeLists.txt). */
#if defined(THUMB_HAVE_HEIF) || defined(THUMB_HAVE_JXL) ||                     \
    defined(THUMB_HAVE_AVIF)

#define CODEC_LIB_ERROR_SIZE 512

/* One library's load: written once under its pthread_once, read-only
 * after. */
typedef struct codec_lib_load {
    int loaded;
    char error[CODEC_LIB_ERROR_SIZE];
} codec_lib_load;

/* dlopen() as the loader would have linked it at exec: RTLD_LAZY binds
 * each function at its first call; RTLD_LOCAL keeps its symbols out of
 * the process's global scope. Never closed: its functions stay in use
 * until the process ends. */
static void *codec_lib_open(codec_lib_load *load, const char *soname,
                            const char *purpose) {
    void *lib = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(load->error, sizeof load->error,
                 "%s needs %s, which cannot be loaded (%s)", purpose, soname,
                 why ? why : "no reason given");
    }
    return lib;
}

/* dlsym() into a function pointer (POSIX guarantees the sizes match);
 * -1 with the reason in load->error when the library lacks it. */
static int codec_lib_bind(codec_lib_load *load, void *lib, const char *soname,
                          const char *name, void *slot) {
    void *p = dlsym(lib, name);
    if (!p) {
        snprintf(load->error, sizeof load->error, "%s has no function %s",
                 soname, name);
        return -1;
    }
    memcpy(slot, &p, sizeof p);
    return 0;
}

/* `table` once `load_once` has loaded the library into it, else NULL
 * with the reason in *why. */
static const void *codec_lib_get(pthread_once_t *once, void (*load_once)(void),
                                 const codec_lib_load *load, const void *table,
                                 const char **why) {
    if (pthread_once(once, load_once) == 0 && load->loaded)
        return table;
    if (why)
        *why = load->error[0] ? load->error : "the library was not loaded";
    return NULL;
}

/* For the X-macro lists of codec_lib.h, inside a loading function that
 * has `load`, `lib`, `soname` and `table`. */
#define CODEC_LIB_BIND(name)                                                   \
    if (codec_lib_bind(load, lib, soname, #name, &table->name) != 0)           \
        return;

#ifdef THUMB_HAVE_HEIF
static heif_functions heif_table;
static codec_lib_load heif_load;
static pthread_once_t heif_once = PTHREAD_ONCE_INIT;

static void codec_lib_load_heif(void) {
    codec_lib_load *load = &heif_load;
    const char *soname = CODEC_LIB_HEIF_SONAME;
    heif_functions *table = &heif_table;
    void *lib = codec_lib_open(load, soname, "HEIF and AVIF input");
    if (!lib)
        return;
    CODEC_LIB_HEIF_FUNCTIONS(CODEC_LIB_BIND)
    /* libde265 through libheif's handle, whose scope holds the libraries
     * it links: the one libheif uses, not a second dlopen() by name (which
     * also made valgrind see glibc lose libheif's list of them). */
    CODEC_LIB_DE265_FUNCTIONS(CODEC_LIB_BIND)
    /* Reference-counted: libheif's own plugin has called it too. */
    table->de265_init();
    load->loaded = 1;
}

const heif_functions *codec_lib_heif(const char **why) {
    return codec_lib_get(&heif_once, codec_lib_load_heif, &heif_load,
                         &heif_table, why);
}
#endif

#ifdef THUMB_HAVE_JXL
static jxl_functions jxl_table;
static codec_lib_load jxl_load;
static pthread_once_t jxl_once = PTHREAD_ONCE_INIT;

static void codec_lib_load_jxl(void) {
    codec_lib_load *load = &jxl_load;
    const char *soname = CODEC_LIB_JXL_SONAME;
    jxl_functions *table = &jxl_table;
    void *lib = codec_lib_open(load, soname, "JPEG XL input");
    if (!lib)
        return;
    CODEC_LIB_JXL_FUNCTIONS(CODEC_LIB_BIND)
    load->loaded = 1;
}

const jxl_functions *codec_lib_jxl(const char **why) {
    return codec_lib_get(&jxl_once, codec_lib_load_jxl, &jxl_load, &jxl_table,
                         why);
}
#endif

#ifdef THUMB_HAVE_AVIF
static avif_functions avif_table;
static codec_lib_load avif_load;
static pthread_once_t avif_once = PTHREAD_ONCE_INIT;

static void codec_lib_load_avif(void) {
    codec_lib_load *load = &avif_load;
    const char *soname = CODEC_LIB_AVIF_SONAME;
    avif_functions *table = &avif_table;
    void *lib = codec_lib_open(load, soname, "AVIF output");
    if (!lib)
        return;
    CODEC_LIB_AVIF_FUNCTIONS(CODEC_LIB_BIND)
    load->loaded = 1;
}

const avif_functions *codec_lib_avif(const char **why) {
    return codec_lib_get(&avif_once, codec_lib_load_avif, &avif_load,
                         &avif_table, why);
}
#endif

#endif
