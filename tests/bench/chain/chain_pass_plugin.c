/*
 * A pass-through extension for the chain benchmark (issue 5: "4 pass-through
 * plugin extensions cost <= 5% of small-message echo throughput"). Built once
 * per token (WSX_CHAIN_TOKEN, "x-chain-pass-1" .. "x-chain-pass-4") so that
 * four of them can be loaded side by side: a host refuses two plugins with
 * the same token for a role, and a client may not offer one token twice.
 *
 * It does what the micro benchmarks' pass plugin does, so the two sets of
 * figures compare: encode copies the payload into the host's output buffer
 * through wsx_host_api (a real plugin's work crossing the C ABI, like
 * permessage-deflate writing its output), decode answers WSX_UNCHANGED (the
 * host forwards the input without a copy). Both roles; no RSV bit, so any
 * number of them coexist with each other and with permessage-deflate (RSV1,
 * RFC 7692 section 6). No params; the server accepts the bare token and the
 * client accepts a bare response (RFC 6455 section 9.1).
 */
#include <wsx/extension.h>

#include <stdlib.h>
#include <string.h>

#ifndef WSX_CHAIN_TOKEN
#error "define WSX_CHAIN_TOKEN, e.g. \"x-chain-pass-1\""
#endif

typedef struct chain_plugin {
  const wsx_host_api* api;
} chain_plugin;

typedef struct chain_extension {
  const wsx_host_api* api;
} chain_extension;

static void append_text(const wsx_host_api* api, wsx_buffer* buffer, const char* text) {
  api->buffer_append(buffer, text, strlen(text));
}

static wsx_status make_extension(const chain_plugin* plugin, void** out_extension,
                                 wsx_error* error) {
  chain_extension* extension = malloc(sizeof *extension);
  if (extension == NULL) {
    append_text(plugin->api, error->message, "out of memory");
    return WSX_FAIL;
  }
  extension->api = plugin->api;
  *out_extension = extension;
  return WSX_OK;
}

/* Parameters are not defined for this token: an offer carrying any is
   declined, so a server does not accept something it does not understand
   (RFC 6455 section 9.1). */
static wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer,
                                   void** out_extension, wsx_error* error) {
  const chain_plugin* self = plugin;
  if (offer->param_count != 0) {
    append_text(self->api, error->message, WSX_CHAIN_TOKEN " takes no parameters");
    return WSX_DECLINE;
  }
  return make_extension(self, out_extension, error);
}

static wsx_status client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) {
  (void)plugin;
  (void)offer;
  (void)error;
  return WSX_OK; /* the bare token */
}

static wsx_status client_accept(void* plugin, const wsx_client_response* response,
                                void** out_extension, wsx_error* error) {
  const chain_plugin* self = plugin;
  if (response->param_count != 0) {
    append_text(self->api, error->message,
                "the server answered " WSX_CHAIN_TOKEN " with parameters");
    return WSX_FAIL;
  }
  return make_extension(self, out_extension, error);
}

static wsx_status encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                         wsx_error* error) {
  const chain_extension* self = extension;
  if (self->api->buffer_append(out->payload, in->payload.data, in->payload.size) != 0) {
    append_text(self->api, error->message, "out of memory");
    return WSX_FAIL;
  }
  return WSX_OK;
}

static wsx_status decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                         uint64_t max_payload_size, wsx_error* error) {
  (void)extension;
  (void)in;
  (void)out;
  (void)max_payload_size;
  (void)error;
  return WSX_UNCHANGED;
}

static void destroy_extension(void* extension) {
  free(extension);
}

static const wsx_extension_def definition = {
    sizeof(wsx_extension_def),
    WSX_CHAIN_TOKEN,
    WSX_ROLE_SERVER | WSX_ROLE_CLIENT,
    0, /* no RSV bit */
    server_negotiate,
    client_offer,
    client_accept,
    encode,
    decode,
    destroy_extension,
};

static const wsx_extension_def* const definitions[] = {&definition};

static wsx_status create(const wsx_plugin_create_args* args, void** out_plugin, wsx_error* error) {
  chain_plugin* plugin = malloc(sizeof *plugin);
  if (plugin == NULL) {
    append_text(args->api, error->message, "out of memory");
    return WSX_FAIL;
  }
  plugin->api = args->api;
  *out_plugin = plugin;
  return WSX_OK;
}

static void destroy(void* plugin) {
  free(plugin);
}

static const wsx_plugin_descriptor descriptor = {
    sizeof(wsx_plugin_descriptor),
    WSX_CHAIN_TOKEN,
    "1.0.0",
    "pass-through for the chain benchmark: encode copies, decode is unchanged",
    NULL,
    0,
    definitions,
    1,
    create,
    destroy,
    NULL, /* no per-thread context */
    NULL,
};

WSX_PLUGIN_EXPORT wsx_status wsx_negotiate_plugin_abi(const wsx_host_info* host,
                                                      uint32_t* chosen_abi,
                                                      const wsx_plugin_descriptor** out,
                                                      wsx_error* error) {
  if (host->abi_min > WSX_ABI_VERSION_1 || host->abi_max < WSX_ABI_VERSION_1) {
    append_text(host->api, error->message, "this plugin implements ABI version 1 only");
    return WSX_FAIL;
  }
  *chosen_abi = WSX_ABI_VERSION_1;
  *out = &descriptor;
  return WSX_OK;
}
