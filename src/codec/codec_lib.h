/* libheif, libjxl and libavif, loaded at their first use instead of at
 * the start of every process that links libthumbnail (libavif brings
 * five AV1 codecs, two of them C++).
 *
 * Both are C++ underneath, and linking them costs every process their
 * static constructors at start (libheif's runs de265_init: about 8 ms of
 * CPU) and their C++ runtime, whether it ever reads a HEIF or JPEG XL
 * file or not. libthumbnail is built against their headers only; the
 * first file of such a format (or thumb_format_can_read()) dlopen()s the
 * library and resolves the functions its decoder calls, once per process
 * (pthread_once). The tables are immutable after that.
 *
 * A library that cannot be loaded makes its formats unsupported: the
 * decoder's probe fails with THUMB_ERR_UNSUPPORTED_FORMAT and the reason,
 * dlerror() included. */
#ifndef THUMB_CODEC_LIB_H
#define THUMB_CODEC_LIB_H

/* One pointer per function, named as the function and of its type as the
 * header declares it. The second `name` is a member's name, which
 * parentheses would not make safer. */
// NOLINTNEXTLINE(bugprone-macro-parentheses)
#define CODEC_LIB_POINTER(name) __typeof__(name) *name;

#ifdef THUMB_HAVE_HEIF
#include <libde265/de265.h>
#include <libheif/heif.h>

/* What heif_decode.c and the plugins (heif_plugins.h) call of libheif. */
#define CODEC_LIB_HEIF_FUNCTIONS(X)                                            \
    X(heif_context_alloc)                                                      \
    X(heif_context_free)                                                       \
    X(heif_context_get_primary_image_handle)                                   \
    X(heif_context_read_from_memory_without_copy)                              \
    X(heif_context_set_max_decoding_threads)                                   \
    X(heif_get_decoder_descriptors)                                            \
    X(heif_get_version_number_major)                                           \
    X(heif_get_version_number_minor)                                           \
    X(heif_context_set_maximum_image_size_limit)                               \
    X(heif_decode_image)                                                       \
    X(heif_decoding_options_alloc)                                             \
    X(heif_decoding_options_free)                                              \
    X(heif_image_add_plane)                                                    \
    X(heif_image_create)                                                       \
    X(heif_image_get_bits_per_pixel_range)                                     \
    X(heif_image_get_height)                                                   \
    X(heif_image_get_plane)                                                    \
    X(heif_image_get_plane_readonly)                                           \
    X(heif_image_get_width)                                                    \
    X(heif_image_handle_get_ispe_height)                                       \
    X(heif_image_handle_get_ispe_width)                                        \
    X(heif_image_handle_get_list_of_metadata_block_IDs)                        \
    X(heif_image_handle_get_list_of_thumbnail_IDs)                             \
    X(heif_image_handle_get_luma_bits_per_pixel)                               \
    X(heif_image_handle_get_metadata)                                          \
    X(heif_image_handle_get_metadata_size)                                     \
    X(heif_image_handle_get_nclx_color_profile)                                \
    X(heif_image_handle_get_raw_color_profile)                                 \
    X(heif_image_handle_get_raw_color_profile_size)                            \
    X(heif_image_handle_get_thumbnail)                                         \
    X(heif_image_handle_has_alpha_channel)                                     \
    X(heif_image_handle_is_premultiplied_alpha)                                \
    X(heif_image_handle_release)                                               \
    X(heif_image_release)                                                      \
    X(heif_image_set_nclx_color_profile)                                       \
    X(heif_nclx_color_profile_alloc)                                           \
    X(heif_nclx_color_profile_free)                                            \
    X(heif_nclx_color_profile_set_color_primaries)                             \
    X(heif_nclx_color_profile_set_matrix_coefficients)                         \
    X(heif_nclx_color_profile_set_transfer_characteristics)                    \
    X(heif_register_decoder)

/* What heif_hevc.c calls of libde265, which libheif links: found through
 * libheif's handle (and initialised once, as libheif's own plugin does). */
#define CODEC_LIB_DE265_FUNCTIONS(X)                                           \
    X(de265_decode)                                                            \
    X(de265_flush_data)                                                        \
    X(de265_free_decoder)                                                      \
    X(de265_get_bits_per_pixel)                                                \
    X(de265_get_chroma_format)                                                 \
    X(de265_get_image_colour_primaries)                                        \
    X(de265_get_image_full_range_flag)                                         \
    X(de265_get_image_height)                                                  \
    X(de265_get_image_matrix_coefficients)                                     \
    X(de265_get_image_plane)                                                   \
    X(de265_get_image_plane_user_data)                                         \
    X(de265_get_image_transfer_characteristics)                                \
    X(de265_get_image_width)                                                   \
    X(de265_get_next_picture)                                                  \
    X(de265_init)                                                              \
    X(de265_new_decoder)                                                       \
    X(de265_push_NAL)                                                          \
    X(de265_release_next_picture)                                              \
    X(de265_set_image_allocation_functions)                                    \
    X(de265_set_image_plane)                                                   \
    X(de265_set_parameter_bool)                                                \
    X(de265_start_worker_threads)

typedef struct heif_functions {
    CODEC_LIB_HEIF_FUNCTIONS(CODEC_LIB_POINTER)
    CODEC_LIB_DE265_FUNCTIONS(CODEC_LIB_POINTER)
} heif_functions;

/* libheif's and libde265's functions, or NULL with the reason in *why (a
 * message that lives as long as the process) when they cannot be
 * loaded. */
const heif_functions *codec_lib_heif(const char **why);
#endif

#ifdef THUMB_HAVE_JXL
#include <jxl/decode.h>

/* What jxl_decode.c calls. */
#define CODEC_LIB_JXL_FUNCTIONS(X)                                             \
    X(JxlDecoderCloseInput)                                                    \
    X(JxlDecoderCreate)                                                        \
    X(JxlDecoderDestroy)                                                       \
    X(JxlDecoderGetBasicInfo)                                                  \
    X(JxlDecoderGetColorAsICCProfile)                                          \
    X(JxlDecoderGetICCProfileSize)                                             \
    X(JxlDecoderImageOutBufferSize)                                            \
    X(JxlDecoderProcessInput)                                                  \
    X(JxlDecoderReset)                                                         \
    X(JxlDecoderSetImageOutBuffer)                                             \
    X(JxlDecoderSetInput)                                                      \
    X(JxlDecoderSetKeepOrientation)                                            \
    X(JxlDecoderSetUnpremultiplyAlpha)                                         \
    X(JxlDecoderSubscribeEvents)

typedef struct jxl_functions {
    CODEC_LIB_JXL_FUNCTIONS(CODEC_LIB_POINTER)
} jxl_functions;

/* libjxl's functions, or NULL with the reason in *why. */
const jxl_functions *codec_lib_jxl(const char **why);
#endif

#ifdef THUMB_HAVE_AVIF
#include <avif/avif.h>

/* What avif_encode.c calls. */
#define CODEC_LIB_AVIF_FUNCTIONS(X)                                            \
    X(avifEncoderCreate)                                                       \
    X(avifEncoderDestroy)                                                      \
    X(avifEncoderWrite)                                                        \
    X(avifImageAllocatePlanes)                                                 \
    X(avifImageCreate)                                                         \
    X(avifImageDestroy)                                                        \
    X(avifImageRGBToYUV)                                                       \
    X(avifImageSetMetadataExif)                                                \
    X(avifImageSetProfileICC)                                                  \
    X(avifRGBImageSetDefaults)                                                 \
    X(avifRWDataFree)                                                          \
    X(avifResultToString)

typedef struct avif_functions {
    CODEC_LIB_AVIF_FUNCTIONS(CODEC_LIB_POINTER)
} avif_functions;

/* libavif's functions, or NULL with the reason in *why. */
const avif_functions *codec_lib_avif(const char **why);
#endif

#endif
