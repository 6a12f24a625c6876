/* The run libheif's decoder plugins work for (heif_plugins.h). */
#include "heif_plugins.h"

/* Per thread, so that runs in other threads keep their own. */
static _Thread_local thumb_ctx *plugins_run;

void heif_plugins_set_run(thumb_ctx *ctx) {
    plugins_run = ctx;
}

struct heif_error heif_plugins_check_deadline(void) {
    struct heif_error e = {heif_error_Ok, heif_suberror_Unspecified, "Success"};
    if (plugins_run &&
        ctx_check_deadline(plugins_run, HEIF_PLUGINS_DOING) != THUMB_OK)
        e = (struct heif_error){heif_error_Decoder_plugin_error,
                                heif_suberror_Unspecified, "deadline passed"};
    return e;
}
