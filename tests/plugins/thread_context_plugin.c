/*
 * A test plugin with per-thread contexts (wsx/extension.h rule 7), token
 * "x-test-thread", server role. thread_create numbers each context it makes
 * (per plugin instance) and records the I/O thread it was made for; the
 * response to an offer names the context the factory got:
 *
 *   x-test-thread; thread=<index>; context=<serial>; threads=<count>
 *
 * or "context=none" when the host passed NULL. Frames pass unchanged. Each
 * create and destroy of a context is logged ("thread context <serial> for
 * I/O thread <index> created|destroyed"), so a test can check that every
 * context made is destroyed once.
 */
#include <wsx/extension.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct thread_plugin {
  const wsx_host_api* api;
  /* Serial numbers of contexts, per instance: thread_create may run on
   * several I/O threads at once. */
  atomic_uint next_serial;
} thread_plugin;

typedef struct thread_context {
  uint32_t serial;
  uint32_t thread_index;
  uint32_t thread_count;
} thread_context;

static void log_line(const thread_plugin* plugin, const char* text) {
  wsx_str line = {text, strlen(text)};
  plugin->api->log(plugin->api->log_context, WSX_LOG_INFO, line);
}

static int add_number(const thread_plugin* self, wsx_params_out* list, const char* name,
                      unsigned value) {
  char text[16];
  wsx_str key = {name, strlen(name)};
  wsx_str value_text;
  value_text.data = text;
  value_text.size = (size_t)snprintf(text, sizeof text, "%u", value);
  return self->api->params_add(list, key, value_text, 1);
}

static wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer,
                                   void** out_extension, wsx_error* error) {
  const thread_plugin* self = plugin;
  /* Rule 2: copy min(struct_size) so an older host's offer reads as NULL. */
  wsx_server_offer view;
  memset(&view, 0, sizeof view);
  memcpy(&view, offer, offer->struct_size < sizeof view ? offer->struct_size : sizeof view);
  (void)error;
  if (view.thread_context != NULL) {
    const thread_context* context = view.thread_context;
    if (add_number(self, view.response, "thread", context->thread_index) != 0 ||
        add_number(self, view.response, "context", context->serial) != 0 ||
        add_number(self, view.response, "threads", context->thread_count) != 0) {
      return WSX_FAIL;
    }
  } else {
    wsx_str key = {"context", 7};
    wsx_str none = {"none", 4};
    if (self->api->params_add(view.response, key, none, 1) != 0) return WSX_FAIL;
  }
  *out_extension = malloc(1);
  return *out_extension != NULL ? WSX_OK : WSX_FAIL;
}

static wsx_status pass(void* extension, const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
  (void)extension;
  (void)in;
  (void)out;
  (void)error;
  return WSX_UNCHANGED;
}

static wsx_status pass_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                              uint64_t max_payload_size, wsx_error* error) {
  (void)max_payload_size;
  return pass(extension, in, out, error);
}

static void destroy_extension(void* extension) {
  free(extension);
}

static const wsx_extension_def definition = {
    sizeof(wsx_extension_def),
    "x-test-thread",
    WSX_ROLE_SERVER,
    0,
    server_negotiate,
    NULL,
    NULL,
    pass,
    pass_decode,
    destroy_extension,
};

static const wsx_extension_def* const definitions[] = {&definition};

static wsx_status create(const wsx_plugin_create_args* args, void** out_plugin, wsx_error* error) {
  thread_plugin* plugin = malloc(sizeof *plugin);
  (void)error;
  if (plugin == NULL) return WSX_FAIL;
  plugin->api = args->api;
  atomic_init(&plugin->next_serial, 1u);
  *out_plugin = plugin;
  return WSX_OK;
}

static void destroy(void* plugin) {
  free(plugin);
}

static wsx_status thread_create(void* plugin, const wsx_thread_info* thread,
                                void** out_thread_context, wsx_error* error) {
  thread_plugin* self = plugin;
  thread_context* context = malloc(sizeof *context);
  char line[96];
  (void)error;
  if (context == NULL) return WSX_FAIL;
  context->serial = atomic_fetch_add(&self->next_serial, 1u);
  context->thread_index = thread->thread_index;
  context->thread_count = thread->thread_count;
  snprintf(line, sizeof line, "thread context %u for I/O thread %u created", context->serial,
           context->thread_index);
  log_line(self, line);
  *out_thread_context = context;
  return WSX_OK;
}

static void thread_destroy(void* plugin, void* thread_context_pointer) {
  thread_context* context = thread_context_pointer;
  char line[96];
  snprintf(line, sizeof line, "thread context %u for I/O thread %u destroyed", context->serial,
           context->thread_index);
  log_line(plugin, line);
  free(context);
}

static const wsx_plugin_descriptor descriptor = {
    sizeof(wsx_plugin_descriptor),
    "test-thread-context",
    "0.0.1",
    "reports the per-thread context each negotiation gets",
    NULL,
    0,
    definitions,
    1,
    create,
    destroy,
    thread_create,
    thread_destroy,
};

WSX_PLUGIN_EXPORT wsx_status wsx_negotiate_plugin_abi(const wsx_host_info* host,
                                                      uint32_t* chosen_abi,
                                                      const wsx_plugin_descriptor** out_descriptor,
                                                      wsx_error* error) {
  (void)error;
  if (host->abi_min > WSX_ABI_VERSION_1 || host->abi_max < WSX_ABI_VERSION_1) return WSX_FAIL;
  *chosen_abi = WSX_ABI_VERSION_1;
  *out_descriptor = &descriptor;
  return WSX_OK;
}
