/*
 * A test plugin whose single defect is chosen at compile time (one VARIANT_*
 * macro per build), so every refusal the host must make has a plugin that
 * provokes exactly that refusal and nothing else. Built without any VARIANT_*
 * macro it is a valid, minimal plugin.
 */
#include <wsx/extension.h>

#include <stdlib.h>
#include <string.h>

#if defined(VARIANT_TOKEN_WITH_SPACE)
#define TOKEN "bad token"
#elif defined(VARIANT_TOKEN_WITH_COMMA)
#define TOKEN "x,y"
#elif defined(VARIANT_DUPLICATE_TOKEN)
#define TOKEN "x-test-dup"
#else
#define TOKEN "x-test-variant"
#endif

#if defined(VARIANT_EMPTY_NAME)
#define NAME ""
#elif defined(VARIANT_DUPLICATE_TOKEN)
#define NAME "test-dup"
#else
#define NAME "test-variant"
#endif

#if defined(VARIANT_NULL_VERSION)
#define VERSION NULL
#elif defined(VARIANT_VERSION_TWO)
/* A second build of the valid plugin, as a new release would be: the
 * reload tests move it over the first one's file. */
#define VERSION "0.0.2"
#else
#define VERSION "0.0.1"
#endif

#if defined(VARIANT_NO_ROLES)
#define ROLES 0u
#elif defined(VARIANT_UNKNOWN_ROLE)
#define ROLES (WSX_ROLE_SERVER | 4u)
#elif defined(VARIANT_CLIENT_ONLY) || defined(VARIANT_NO_CLIENT_ACCEPT)
#define ROLES ((uint32_t)WSX_ROLE_CLIENT)
#else
#define ROLES ((uint32_t)WSX_ROLE_SERVER)
#endif

#if defined(VARIANT_BAD_RSV)
#define RSV_BITS 0x80u
#else
#define RSV_BITS 0u
#endif

#if defined(VARIANT_ABI_VERSION_2)
#define CHOSEN_ABI 2u
#elif defined(VARIANT_ABI_VERSION_0)
#define CHOSEN_ABI 0u /* an entry function that forgot to choose */
#else
#define CHOSEN_ABI WSX_ABI_VERSION_1
#endif

#if defined(VARIANT_SMALL_DESCRIPTOR)
/* The size a descriptor would have if it stopped after `name`. */
#define DESCRIPTOR_SIZE (sizeof(size_t) + sizeof(const char*))
#else
#define DESCRIPTOR_SIZE sizeof(wsx_plugin_descriptor)
#endif

/* Functions a variant leaves out of its tables stay defined, unused. */
#define MAYBE_UNUSED __attribute__((unused))

MAYBE_UNUSED static int32_t append_text(wsx_buffer* buffer, const wsx_host_info* host,
                                        const char* text) {
  return host->api->buffer_append(buffer, text, strlen(text));
}

MAYBE_UNUSED static wsx_status server_negotiate(void* plugin, const wsx_server_offer* offer,
                                                void** out_extension, wsx_error* error) {
  (void)plugin;
  (void)offer;
  (void)error;
  *out_extension = malloc(1);
  return *out_extension != NULL ? WSX_OK : WSX_FAIL;
}

static wsx_status client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) {
  (void)plugin;
  (void)offer;
  (void)error;
  return WSX_OK;
}

MAYBE_UNUSED static wsx_status client_accept(void* plugin, const wsx_client_response* response,
                                             void** out_extension, wsx_error* error) {
  (void)plugin;
  (void)response;
  (void)error;
  *out_extension = malloc(1);
  return *out_extension != NULL ? WSX_OK : WSX_FAIL;
}

MAYBE_UNUSED static wsx_status pass_encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                           wsx_error* error) {
  (void)extension;
  (void)in;
  (void)out;
  (void)error;
  return WSX_UNCHANGED;
}

static wsx_status pass_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                              uint64_t max_payload_size, wsx_error* error) {
#if defined(VARIANT_CRASH_DECODE)
  /* The defect a crash report must name: a NULL dereference in decode. */
  volatile int* nowhere = NULL;
  *nowhere = 1;
#endif
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

MAYBE_UNUSED static const wsx_extension_def definition = {
    sizeof(wsx_extension_def),
    TOKEN,
    ROLES,
    RSV_BITS,
#if defined(VARIANT_NO_SERVER_NEGOTIATE)
    NULL,
#else
    server_negotiate,
#endif
    client_offer,
#if defined(VARIANT_NO_CLIENT_ACCEPT)
    NULL,
#else
    client_accept,
#endif
#if defined(VARIANT_NO_ENCODE)
    NULL,
#else
    pass_encode,
#endif
    pass_decode,
    destroy_extension,
};

#if defined(VARIANT_NULL_EXTENSION)
static const wsx_extension_def* const definitions[] = {NULL};
#else
static const wsx_extension_def* const definitions[] = {&definition};
#endif

#if defined(VARIANT_NO_EXTENSIONS)
#define EXTENSION_COUNT 0u
#else
#define EXTENSION_COUNT 1u
#endif

static const wsx_param_spec params[] = {
    {"level", WSX_PARAM_INTEGER, "an integer the test plugin ignores"},
};

MAYBE_UNUSED static wsx_status create(const wsx_plugin_create_args* args, void** out_plugin,
                                      wsx_error* error) {
  (void)args;
  (void)error;
  /* A real allocation, so a host that forgets destroy() leaks under ASan. */
  *out_plugin = malloc(1);
  return *out_plugin != NULL ? WSX_OK : WSX_FAIL;
}

static void destroy(void* plugin) {
  free(plugin);
}

#if defined(VARIANT_THREAD_CREATE_ONLY)
static wsx_status thread_create(void* plugin, const wsx_thread_info* thread,
                                void** out_thread_context, wsx_error* error) {
  (void)plugin;
  (void)thread;
  (void)error;
  *out_thread_context = NULL;
  return WSX_OK;
}
#endif

MAYBE_UNUSED static const wsx_plugin_descriptor descriptor = {
    DESCRIPTOR_SIZE,
    NAME,
    VERSION,
    "a test plugin with one compile-time defect",
    params,
    sizeof params / sizeof params[0],
    definitions,
    EXTENSION_COUNT,
#if defined(VARIANT_NO_CREATE)
    NULL,
#else
    create,
#endif
    destroy,
#if defined(VARIANT_THREAD_CREATE_ONLY)
    /* A context the host could create but never destroy. */
    thread_create,
    NULL,
#else
    NULL, /* no per-thread context */
    NULL,
#endif
};

#if defined(VARIANT_NO_ENTRY)
/* A plausible typo: the host must say which symbol it looked for. */
#define ENTRY_NAME wsx_negotiate_plugin
#else
#define ENTRY_NAME wsx_negotiate_plugin_abi
#endif

WSX_PLUGIN_EXPORT wsx_status ENTRY_NAME(const wsx_host_info* host, uint32_t* chosen_abi,
                                        const wsx_plugin_descriptor** out_descriptor,
                                        wsx_error* error) {
#if defined(VARIANT_REFUSE_ABI)
  (void)chosen_abi;
  (void)out_descriptor;
  append_text(error->message, host, "this plugin implements ABI version 7 only");
  return WSX_FAIL;
#else
#if !defined(VARIANT_ABI_VERSION_2)
  if (host->abi_min > WSX_ABI_VERSION_1 || host->abi_max < WSX_ABI_VERSION_1) {
    append_text(error->message, host, "this plugin implements ABI version 1 only");
    return WSX_FAIL;
  }
#else
  (void)host;
  (void)error;
#endif
  *chosen_abi = CHOSEN_ABI;
  *out_descriptor = &descriptor;
  return WSX_OK;
#endif
}
