/*
 * A complete wsx plugin in plain C99, with no SDK wrapper: proves that
 * wsx/extension.h alone is enough (any language with a C FFI can do this)
 * and that wsx_add_plugin builds C sources too.
 *
 * Token "x-c-identity", server role, no RSV bit: accepts offers without
 * parameters and leaves every frame unchanged.
 */
#include <wsx/extension.h>

#include <stdlib.h>
#include <string.h>

/* Per-instance state; also the plugin handle given to the host. */
typedef struct identity_plugin {
  const wsx_host_api* api;
} identity_plugin;

/* Per-connection state; a real extension would keep its codec here. */
typedef struct identity_extension {
  unsigned long frames;
} identity_extension;

static void say(const wsx_host_api* api, wsx_error* error, const char* text) {
  if (api != NULL && api->buffer_append != NULL && error != NULL && error->message != NULL) {
    api->buffer_append(error->message, text, strlen(text));
  }
}

static wsx_status identity_negotiate(void* plugin, const wsx_server_offer* offer,
                                     void** out_extension, wsx_error* error) {
  identity_plugin* self = (identity_plugin*)plugin;
  identity_extension* extension;
  *out_extension = NULL;
  if (offer->param_count != 0) {
    say(self->api, error, "x-c-identity takes no parameters");
    return WSX_DECLINE;
  }
  extension = (identity_extension*)calloc(1, sizeof *extension);
  if (extension == NULL) {
    say(self->api, error, "out of memory");
    return WSX_FAIL;
  }
  *out_extension = extension;
  return WSX_OK;
}

static wsx_status identity_encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                  wsx_error* error) {
  (void)in;
  (void)out;
  (void)error;
  ((identity_extension*)extension)->frames++;
  return WSX_UNCHANGED;
}

static wsx_status identity_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                  uint64_t max_payload_size, wsx_error* error) {
  (void)max_payload_size;
  return identity_encode(extension, in, out, error);
}

static void identity_destroy_extension(void* extension) {
  free(extension);
}

/* Designated initializers (C99) leave the client-role functions NULL. */
static const wsx_extension_def identity_def = {.struct_size = sizeof(wsx_extension_def),
                                               .token = "x-c-identity",
                                               .roles = WSX_ROLE_SERVER,
                                               .rsv_bits = 0,
                                               .server_negotiate = identity_negotiate,
                                               .encode = identity_encode,
                                               .decode = identity_decode,
                                               .destroy_extension = identity_destroy_extension};

static const wsx_extension_def* const identity_defs[] = {&identity_def};

static wsx_status identity_create(const wsx_plugin_create_args* args, void** out_plugin,
                                  wsx_error* error) {
  identity_plugin* self;
  *out_plugin = NULL;
  /* It declares no params: any key is one the config should not have (the
   * host checks this too, but other hosts may not). */
  if (args->param_count != 0) {
    say(args->api, error, "x-c-identity accepts no parameters; remove its [plugin.params] table");
    return WSX_FAIL;
  }
  self = (identity_plugin*)calloc(1, sizeof *self);
  if (self == NULL) {
    say(args->api, error, "out of memory");
    return WSX_FAIL;
  }
  self->api = args->api;
  *out_plugin = self;
  return WSX_OK;
}

static void identity_destroy(void* plugin) {
  free(plugin);
}

static const wsx_plugin_descriptor identity_descriptor = {
    .struct_size = sizeof(wsx_plugin_descriptor),
    .name = "x-c-identity",
    .version = "0.1.0",
    .description = "test: a C99 plugin that leaves frames unchanged",
    .params = NULL,
    .param_count = 0,
    .extensions = identity_defs,
    .extension_count = 1,
    .create = identity_create,
    .destroy = identity_destroy};

WSX_PLUGIN_EXPORT wsx_status wsx_negotiate_plugin_abi(const wsx_host_info* host,
                                                      uint32_t* chosen_abi,
                                                      const wsx_plugin_descriptor** descriptor,
                                                      wsx_error* error) {
  if (host->abi_min > WSX_ABI_VERSION_1 || host->abi_max < WSX_ABI_VERSION_1) {
    say(host->api, error, "x-c-identity implements wsx plugin ABI version 1 only");
    return WSX_FAIL;
  }
  *chosen_abi = WSX_ABI_VERSION_1;
  *descriptor = &identity_descriptor;
  return WSX_OK;
}
