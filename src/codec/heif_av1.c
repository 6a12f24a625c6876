/* libheif's own AV1 decoder, wrapped so that the deadline is checked
 * before each picture (heif_plugins.h). Everything else is the inner
 * plugin's: its pictures, colour and errors.
 *
 * The inner plugin is found through heif_get_decoder_descriptors(),
 * whose descriptors are the plugins themselves, cast (heif.cc:
 * heif_decoder_descriptor_get_name() casts one back) in libheif 1.15 to
 * 1.20 at least; the wrapper is offered only for versions where that was
 * read in libheif's source. Plugins registered on a context, as ours
 * are, are not among the descriptors, so the wrapper never finds
 * itself. */
#include "heif_plugins.h"

#include "codec_lib.h"

#include <stdlib.h>

/* libheif versions whose descriptors were read to be plugins. */
#define AV1_KNOWN_MAJOR 1
#define AV1_KNOWN_MINOR_FIRST 15
#define AV1_KNOWN_MINOR_LAST 20

typedef struct av1_decoder {
    const struct heif_decoder_plugin *inner;
    void *decoder;
} av1_decoder;

static const struct heif_decoder_plugin *av1_inner(void) {
    const heif_functions *lib = codec_lib_heif(NULL);
    if (!lib || lib->heif_get_version_number_major() != AV1_KNOWN_MAJOR ||
        lib->heif_get_version_number_minor() < AV1_KNOWN_MINOR_FIRST ||
        lib->heif_get_version_number_minor() > AV1_KNOWN_MINOR_LAST)
        return NULL;
    const struct heif_decoder_descriptor *best = NULL;
    if (lib->heif_get_decoder_descriptors(heif_compression_AV1, &best, 1) !=
            1 ||
        !best)
        return NULL;
    return (const struct heif_decoder_plugin *)(const void *)best;
}

static const char *av1_name(void) {
    return "libheif's AV1 decoder, with a deadline (libthumbnail)";
}

/* Registered only where av1_inner() finds a decoder (heif_av1_plugin). */
static int av1_supports(enum heif_compression_format format) {
    return format == heif_compression_AV1 ? HEIF_PLUGINS_PRIORITY : 0;
}

static struct heif_error av1_new_decoder(void **out) {
    av1_decoder *a = calloc(1, sizeof *a);
    if (!a)
        return (struct heif_error){heif_error_Memory_allocation_error,
                                   heif_suberror_Unspecified, "out of memory"};
    a->inner = av1_inner();
    if (!a->inner) { /* never once registered (heif_av1_plugin) */
        free(a);
        return (struct heif_error){heif_error_Unsupported_feature,
                                   heif_suberror_Unsupported_codec,
                                   "no AV1 decoder"};
    }
    struct heif_error e = a->inner->new_decoder(&a->decoder);
    if (e.code != heif_error_Ok) {
        free(a);
        return e;
    }
    *out = a;
    return e;
}

static void av1_free_decoder(void *decoder) {
    av1_decoder *a = decoder;
    a->inner->free_decoder(a->decoder);
    free(a);
}

static void av1_set_strict(void *decoder, int flag) {
    av1_decoder *a = decoder;
    if (a->inner->plugin_api_version >= 2 && a->inner->set_strict_decoding)
        a->inner->set_strict_decoding(a->decoder, flag);
}

static struct heif_error av1_push_data(void *decoder, const void *data,
                                       size_t size) {
    av1_decoder *a = decoder;
    return a->inner->push_data(a->decoder, data, size);
}

static struct heif_error av1_decode_image(void *decoder,
                                          struct heif_image **out) {
    av1_decoder *a = decoder;
    *out = NULL;
    struct heif_error late = heif_plugins_check_deadline();
    if (late.code != heif_error_Ok)
        return late;
    return a->inner->decode_image(a->decoder, out);
}

static const struct heif_decoder_plugin av1_plugin = {
    .plugin_api_version = 3,
    .get_plugin_name = av1_name,
    .does_support_format = av1_supports,
    .new_decoder = av1_new_decoder,
    .free_decoder = av1_free_decoder,
    .push_data = av1_push_data,
    .decode_image = av1_decode_image,
    .set_strict_decoding = av1_set_strict,
    .id_name = "av1-deadline",
};

const struct heif_decoder_plugin *heif_av1_plugin(void) {
    return av1_inner() ? &av1_plugin : NULL;
}
