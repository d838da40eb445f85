/*
 * The good test plugin: token "x-test-pass" for both roles, no RSV bits.
 * It takes three typed params and logs what it received through the host's
 * log service, so tests can check that params arrive with their types.
 * encode copies the payload through the host's buffer services (so a test
 * can tell the plugin's code ran); decode leaves frames unchanged.
 */
#include <wsx/extension.h>

#if defined(WSX_TEST_EXPECT_V1_HEADER) && defined(WSX_ABI_HEADER_HAS_THREAD_CONTEXTS)
#error "wsx_test_pass_v1 must be built against tests/plugins/abi_v1_header, not the SDK's header"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pass_plugin {
  const wsx_host_api* api;
  int64_t level;
} pass_plugin;

typedef struct pass_extension {
  const wsx_host_api* api;
} pass_extension;

static void append_text(const wsx_host_api* api, wsx_buffer* buffer, const char* text) {
  api->buffer_append(buffer, text, strlen(text));
}

static wsx_status make_extension(const pass_plugin* plugin, void** out_extension) {
  pass_extension* extension = malloc(sizeof *extension);
  if (extension == NULL) return WSX_FAIL;
  extension->api = plugin->api;
  *out_extension = extension;
  return WSX_OK;
}

static wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer,
                                   void** out_extension, wsx_error* error) {
  const pass_plugin* self = plugin;
  char level[32];
  int length = snprintf(level, sizeof level, "%lld", (long long)self->level);
  wsx_str name = {"level", 5};
  wsx_str value = {level, (size_t)length};
  (void)error;
  if (self->api->params_add(offer->response, name, value, 1) != 0) return WSX_FAIL;
  return make_extension(self, out_extension);
}

static wsx_status client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) {
  (void)plugin;
  (void)offer;
  (void)error;
  return WSX_OK;
}

static wsx_status client_accept(void* plugin, const wsx_client_response* response,
                                void** out_extension, wsx_error* error) {
  (void)response;
  (void)error;
  return make_extension(plugin, out_extension);
}

static wsx_status encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                         wsx_error* error) {
  const pass_extension* self = extension;
  (void)error;
  if (self->api->buffer_append(out->payload, in->payload.data, in->payload.size) != 0) {
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
    "x-test-pass",
    WSX_ROLE_SERVER | WSX_ROLE_CLIENT,
    0,
    server_negotiate,
    client_offer,
    client_accept,
    encode,
    decode,
    destroy_extension,
};

static const wsx_extension_def* const definitions[] = {&definition};

static const wsx_param_spec params[] = {
    {"greeting", WSX_PARAM_STRING, "a string logged at create"},
    {"level", WSX_PARAM_INTEGER, "0-9; echoed as the response parameter level"},
    {"verbose", WSX_PARAM_BOOLEAN, "a boolean logged at create"},
};

/* Appends "key=<type>:<value> " for one param to `line`. */
static void describe_param(const wsx_config_param* param, char* line, size_t size) {
  size_t used = strlen(line);
  const char* type = param->type == WSX_PARAM_STRING    ? "string"
                     : param->type == WSX_PARAM_INTEGER ? "integer"
                                                        : "boolean";
  if (param->type == WSX_PARAM_STRING) {
    snprintf(line + used, size - used, " %.*s=%s:%.*s", (int)param->key.size, param->key.data, type,
             (int)param->string_value.size, param->string_value.data);
  } else if (param->type == WSX_PARAM_INTEGER) {
    snprintf(line + used, size - used, " %.*s=%s:%lld", (int)param->key.size, param->key.data, type,
             (long long)param->integer_value);
  } else {
    snprintf(line + used, size - used, " %.*s=%s:%d", (int)param->key.size, param->key.data, type,
             (int)param->boolean_value);
  }
}

static wsx_status create(const wsx_plugin_create_args* args, void** out_plugin, wsx_error* error) {
  char line[512] = "params:";
  pass_plugin* plugin;
  int64_t level = 1;
  size_t i;
  for (i = 0; i < args->param_count; ++i) {
    const wsx_config_param* param = &args->params[i];
    describe_param(param, line, sizeof line);
    if (param->key.size == 5 && memcmp(param->key.data, "level", 5) == 0) {
      level = param->integer_value;
    }
  }
  if (level < 0 || level > 9) {
    char message[64];
    snprintf(message, sizeof message, "level must be 0-9, got %lld", (long long)level);
    append_text(args->api, error->message, message);
    return WSX_FAIL;
  }
  {
    wsx_str text = {line, strlen(line)};
    args->api->log(args->api->log_context, WSX_LOG_INFO, text);
  }
  plugin = malloc(sizeof *plugin);
  if (plugin == NULL) return WSX_FAIL;
  plugin->api = args->api;
  plugin->level = level;
  *out_plugin = plugin;
  return WSX_OK;
}

/* Logs through the host's table: the host must destroy the instance before
   it frees that table (and before it unloads the library). */
static void destroy(void* plugin) {
  pass_plugin* self = plugin;
  wsx_str text = {"destroyed", 9};
  self->api->log(self->api->log_context, WSX_LOG_INFO, text);
  free(self);
}

static const wsx_plugin_descriptor descriptor = {
    sizeof(wsx_plugin_descriptor),
    "test-pass",
    "1.2.3",
    "passes frames through unchanged",
    params,
    sizeof params / sizeof params[0],
    definitions,
    1,
    create,
    destroy,
#if defined(WSX_ABI_HEADER_HAS_THREAD_CONTEXTS)
    NULL, /* no per-thread context */
    NULL,
#endif
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
