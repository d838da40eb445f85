/*
 * wsx/extension.h -- the wsx plugin ABI, version 1.
 *
 * This header is the whole contract between the wsx host and an extension
 * plugin. It is plain C99 so that any compiler and any language with a C FFI
 * can implement a plugin, and so that the layout of everything that crosses
 * the boundary is fixed by the platform C ABI alone.
 *
 * The model is the one of python-websockets (RFC 6455 section 9):
 *
 *   plugin      a loaded shared library. It exports ONE symbol,
 *               WSX_PLUGIN_ENTRY_SYMBOL, which negotiates the ABI version and
 *               hands back a static descriptor.
 *   instance    the plugin configured with its [plugin.params] TOML table
 *               (descriptor->create). One per [[plugin]] entry of the config.
 *   factory     one wsx_extension_def of the descriptor: an extension token
 *               ("permessage-deflate") with a server factory (processes one
 *               client offer) and/or a client factory (builds an offer and
 *               processes the server's response).
 *   extension   what a factory creates for ONE connection once negotiation
 *               accepted it. It encodes outgoing frames and decodes incoming
 *               frames, and is destroyed with its connection.
 *
 * Rules every plugin can rely on, and must keep:
 *
 *  1. Versioning. The host passes the range [abi_min, abi_max] of ABI
 *     versions it speaks; the plugin picks one it implements or refuses with a
 *     message. This header describes version 1.
 *  2. Growth. Every struct that crosses the boundary and may grow starts with
 *     `struct_size`, set by whoever filled it to sizeof() as THEY compiled it.
 *     Fields are only ever appended. A reader copies min(struct_size,
 *     sizeof(own)) bytes into a zeroed struct of its own, so a newer reader
 *     sees zeroes for fields an older writer did not know. The small value
 *     types wsx_str, wsx_bytes, wsx_param, wsx_config_param and
 *     wsx_param_spec are frozen: they never change within a major ABI.
 *  3. Host services come only through wsx_host_api (a table of function
 *     pointers). A plugin links no host symbol, is built with hidden
 *     visibility, and exports only the entry symbol. The host loads it with
 *     RTLD_LOCAL.
 *  4. Ownership is written next to every pointer. "Borrowed" means valid for
 *     the duration of the call only: copy what you want to keep. Everything a
 *     plugin produces for the host (response parameters, frame payloads, error
 *     messages) is written into host-owned buffers through wsx_host_api, so no
 *     side frees what the other allocated.
 *  5. Errors are values (wsx_status). No C++ exception, longjmp or signal may
 *     cross the boundary.
 *  6. Threads: the entry symbol, create and destroy are called from one thread
 *     at a time. Factory functions (server_negotiate, client_offer,
 *     client_accept) may be called from several I/O threads at once with the
 *     same plugin instance. An extension instance belongs to one connection
 *     and is never called concurrently with itself.
 *  7. Per-thread contexts (appended to ABI 1; see wsx_thread_info). A plugin
 *     that sets thread_create/thread_destroy in its descriptor gets one
 *     context of its own per host I/O thread: a workspace that the
 *     connections of that thread share without locks (a pool of zlib
 *     streams, a bzip2 work area). The host hands it to the factories
 *     (wsx_server_offer.thread_context, wsx_client_response.thread_context);
 *     an extension made with a context keeps the pointer, and every call on
 *     that extension, destroy_extension included, then happens on the
 *     context's thread, or after that thread has stopped for good. A context
 *     may be NULL (an older host, a host tool without I/O threads, a failed
 *     thread_create): a plugin must then work without one.
 */
#ifndef WSX_EXTENSION_H
#define WSX_EXTENSION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions and the entry symbol                                             */
/* ------------------------------------------------------------------------ */

/** The ABI version this header describes. */
#define WSX_ABI_VERSION_1 1u

/** The newest ABI version this header knows about. */
#define WSX_ABI_VERSION_CURRENT WSX_ABI_VERSION_1

/** Defined by headers that have the per-thread contexts appended to ABI 1
 *  (rule 7: wsx_thread_info, wsx_plugin_descriptor.thread_create, ...), so
 *  code can test for them at compile time. */
#define WSX_ABI_HEADER_HAS_THREAD_CONTEXTS 1

/**
 * Name of the single symbol a plugin exports. Its type is
 * wsx_negotiate_fn. The name never changes across ABI versions: the version
 * is chosen by the arguments, as in Vulkan's loader-layer negotiation.
 */
#define WSX_PLUGIN_ENTRY_SYMBOL "wsx_negotiate_plugin_abi"

/** Export decoration for the entry symbol (the only visible symbol). */
#if defined(_WIN32)
#define WSX_PLUGIN_EXPORT __declspec(dllexport)
#else
#define WSX_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Small value types (frozen)                                                */
/* ------------------------------------------------------------------------ */

/** A borrowed string view. Not NUL-terminated unless stated. */
typedef struct wsx_str {
  /** First byte; may be NULL when size is 0. Borrowed. */
  const char* data;
  /** Number of bytes. */
  size_t size;
} wsx_str;

/** A borrowed byte view. */
typedef struct wsx_bytes {
  /** First byte; may be NULL when size is 0. Borrowed. */
  const uint8_t* data;
  /** Number of bytes. */
  size_t size;
} wsx_bytes;

/**
 * One extension parameter as it appears in a Sec-WebSocket-Extensions header
 * (RFC 6455 section 9.1): `name` or `name=value`. A quoted-string value is
 * given unquoted and unescaped.
 */
typedef struct wsx_param {
  /** Parameter name (an RFC 7230 token). Borrowed. */
  wsx_str name;
  /** Parameter value; empty when has_value is 0. Borrowed. */
  wsx_str value;
  /** 1 when the parameter carried `=value`, 0 when it was bare. */
  int32_t has_value;
} wsx_param;

/** Types of a plugin configuration parameter (a TOML value). */
typedef enum wsx_param_type {
  /** A TOML string. */
  WSX_PARAM_STRING = 1,
  /** A TOML integer (64-bit signed). */
  WSX_PARAM_INTEGER = 2,
  /** A TOML boolean. */
  WSX_PARAM_BOOLEAN = 3
} wsx_param_type;

/** One key of the plugin's [plugin.params] TOML table, already type-checked
 *  by the host against the plugin's wsx_param_spec list. */
typedef struct wsx_config_param {
  /** The key. Borrowed. */
  wsx_str key;
  /** One of wsx_param_type; says which of the value fields is meaningful. */
  int32_t type;
  /** Value when type is WSX_PARAM_STRING. Borrowed. */
  wsx_str string_value;
  /** Value when type is WSX_PARAM_INTEGER. */
  int64_t integer_value;
  /** Value when type is WSX_PARAM_BOOLEAN: 0 or 1. */
  int32_t boolean_value;
} wsx_config_param;

/** Declares one configuration parameter a plugin accepts. The host rejects
 *  any key of [plugin.params] that is not declared, or whose TOML type does
 *  not match, before calling create. */
typedef struct wsx_param_spec {
  /** Key name, NUL-terminated. Owned by the plugin, static. */
  const char* name;
  /** One of wsx_param_type. */
  int32_t type;
  /** One-line human description, NUL-terminated, for --check-plugin. Owned
   *  by the plugin, static. May be NULL. */
  const char* description;
} wsx_param_spec;

/* ------------------------------------------------------------------------ */
/* Status values and errors                                                  */
/* ------------------------------------------------------------------------ */

/** The result of every plugin function that can fail. */
typedef enum wsx_status {
  /** Success. For encode/decode: the new payload was written to the output
   *  buffer. */
  WSX_OK = 0,
  /** encode/decode only: the payload is unchanged; the host forwards the
   *  input payload without copying it. Header fields written to the output
   *  frame (rsv, opcode, fin) still apply. */
  WSX_UNCHANGED = 1,
  /** Negotiation only: this factory will not take this offer (or response).
   *  Not an error: RFC 7692 section 7 requires a server to decline an offer
   *  it cannot accept so the next one can be tried. The reason written to
   *  wsx_error.message appears in the host's negotiation trace. */
  WSX_DECLINE = 2,
  /** Failure. wsx_error.close_code and wsx_error.message say why. During
   *  negotiation it fails the handshake; on a frame it closes the connection
   *  with close_code. */
  WSX_FAIL = 3
} wsx_status;

/* WebSocket close codes an extension may use (RFC 6455 section 7.4.1). */
/** The peer violated the protocol (e.g. RSV1 on a continuation frame). */
#define WSX_CLOSE_PROTOCOL_ERROR 1002u
/** Data inconsistent with the message type (e.g. corrupt compressed data). */
#define WSX_CLOSE_INVALID_PAYLOAD 1007u
/** A message is too big to process (decode exceeded max_payload_size). */
#define WSX_CLOSE_MESSAGE_TOO_BIG 1009u
/** Client: an extension the client needs was not negotiated. */
#define WSX_CLOSE_MANDATORY_EXTENSION 1010u
/** An unexpected condition inside the plugin (out of memory, zlib error). */
#define WSX_CLOSE_INTERNAL_ERROR 1011u

/** An opaque, growable byte buffer owned by the host. Plugins write into it
 *  only through wsx_host_api. */
typedef struct wsx_buffer wsx_buffer;

/** An opaque list of extension parameters owned by the host. Plugins append
 *  to it through wsx_host_api.params_add. */
typedef struct wsx_params_out wsx_params_out;

/** Where a plugin reports a failure (or the reason of a DECLINE). */
typedef struct wsx_error {
  /** sizeof(wsx_error) as the host compiled it. */
  size_t struct_size;
  /** Close code to use when the status is WSX_FAIL on a frame. Preset by the
   *  host to WSX_CLOSE_INTERNAL_ERROR; must be one of the WSX_CLOSE_* values.
   *  Ignored during negotiation. */
  uint32_t close_code;
  /** Host-owned buffer for a human-readable message (UTF-8, no NUL needed).
   *  Write with wsx_host_api.buffer_append. Never NULL. */
  wsx_buffer* message;
} wsx_error;

/* ------------------------------------------------------------------------ */
/* Host services                                                             */
/* ------------------------------------------------------------------------ */

/** Log levels for wsx_host_api.log. */
typedef enum wsx_log_level {
  WSX_LOG_DEBUG = 10,
  WSX_LOG_INFO = 20,
  WSX_LOG_WARNING = 30,
  WSX_LOG_ERROR = 40
} wsx_log_level;

/**
 * The table of host services. Passed to the entry symbol and to create; the
 * pointer stays valid until the plugin instance is destroyed. All functions
 * are thread-safe as long as two threads do not use the same buffer.
 */
typedef struct wsx_host_api {
  /** sizeof(wsx_host_api) as the host compiled it. */
  size_t struct_size;

  /**
   * Make room for at least `min_bytes` more bytes at the end of `buffer` and
   * return a pointer to the first of them. `*available` (if not NULL)
   * receives how many bytes may be written there (>= min_bytes). Data already
   * committed is kept, but the buffer may move: pointers from an earlier
   * reserve are invalid after this call. Returns NULL if the memory cannot be
   * had; the plugin should then fail with WSX_CLOSE_INTERNAL_ERROR.
   */
  uint8_t* (*buffer_reserve)(wsx_buffer* buffer, size_t min_bytes, size_t* available);

  /** Mark `bytes` bytes written after the last reserve as part of the
   *  buffer's content. `bytes` must not exceed the reserved amount. */
  void (*buffer_commit)(wsx_buffer* buffer, size_t bytes);

  /** Number of committed bytes in `buffer`. */
  size_t (*buffer_size)(const wsx_buffer* buffer);

  /** Append `size` bytes (reserve + copy + commit). Returns 0 on success,
   *  -1 if memory cannot be had. */
  int32_t (*buffer_append)(wsx_buffer* buffer, const void* data, size_t size);

  /** Append one parameter to a parameter list (a response or an offer).
   *  `name` must be an RFC 7230 token; the host quotes `value` if needed.
   *  Pass has_value 0 for a bare parameter (value ignored). Both strings
   *  are copied. Returns 0 on success, -1 on a bad name or no memory. */
  int32_t (*params_add)(wsx_params_out* list, wsx_str name, wsx_str value, int32_t has_value);

  /** Write one line to the host's log, tagged with the plugin's name.
   *  `message` is copied. `log_context` must be this table's log_context. */
  void (*log)(void* log_context, int32_t level, wsx_str message);

  /** Opaque context for log. Owned by the host. */
  void* log_context;
} wsx_host_api;

/** What the host tells the plugin at negotiation time. */
typedef struct wsx_host_info {
  /** sizeof(wsx_host_info) as the host compiled it. */
  size_t struct_size;
  /** Oldest ABI version the host speaks. */
  uint32_t abi_min;
  /** Newest ABI version the host speaks. */
  uint32_t abi_max;
  /** Host services. Borrowed; valid until the library is unloaded. */
  const wsx_host_api* api;
  /** Host version, e.g. "0.1.0", for messages. Borrowed. */
  wsx_str host_version;
} wsx_host_info;

/* ------------------------------------------------------------------------ */
/* Per-thread contexts (rule 7)                                              */
/* ------------------------------------------------------------------------ */

/** What the host tells thread_create about the I/O thread a context is for.
 *  Appended to ABI 1: an older host never passes it (it never calls
 *  thread_create). */
typedef struct wsx_thread_info {
  /** sizeof(wsx_thread_info) as the host compiled it. */
  size_t struct_size;
  /** Index of the I/O thread, 0 to thread_count - 1; stable for the life of
   *  the host process, so it can name the thread in log lines. */
  uint32_t thread_index;
  /** How many I/O threads the host runs (so a plugin can split a global
   *  budget into per-thread shares). */
  uint32_t thread_count;
} wsx_thread_info;

/* ------------------------------------------------------------------------ */
/* Frames                                                                    */
/* ------------------------------------------------------------------------ */

/* Opcodes (RFC 6455 section 5.2). */
#define WSX_OPCODE_CONTINUATION 0x0u
#define WSX_OPCODE_TEXT 0x1u
#define WSX_OPCODE_BINARY 0x2u
#define WSX_OPCODE_CLOSE 0x8u
#define WSX_OPCODE_PING 0x9u
#define WSX_OPCODE_PONG 0xAu

/* RSV bits, in their positions in the first header byte (RFC 6455 5.2). */
#define WSX_RSV1 0x40u
#define WSX_RSV2 0x20u
#define WSX_RSV3 0x10u

/** A frame given to an extension. The payload is already unmasked. */
typedef struct wsx_frame {
  /** sizeof(wsx_frame) as the host compiled it. */
  size_t struct_size;
  /** One of WSX_OPCODE_*. Control frames (opcode >= 8) are passed too, so
   *  an extension can reject RSV bits on them; most return WSX_UNCHANGED. */
  uint8_t opcode;
  /** 1 if this is the final frame of its message. */
  uint8_t fin;
  /** RSV bits set on this frame, as WSX_RSV* bits. */
  uint8_t rsv;
  /** The payload. Borrowed. */
  wsx_bytes payload;
} wsx_frame;

/** Where an extension writes the frame it produces. The host pre-fills
 *  opcode, fin and rsv from the input frame; the extension changes what it
 *  must (typically rsv). */
typedef struct wsx_frame_out {
  /** sizeof(wsx_frame_out) as the host compiled it. */
  size_t struct_size;
  /** Opcode of the produced frame. */
  uint8_t opcode;
  /** Final-frame flag of the produced frame. */
  uint8_t fin;
  /** RSV bits of the produced frame. */
  uint8_t rsv;
  /** Host-owned, empty buffer for the new payload. Used only when the
   *  function returns WSX_OK. Never NULL. */
  wsx_buffer* payload;
} wsx_frame_out;

/* ------------------------------------------------------------------------ */
/* Negotiation                                                               */
/* ------------------------------------------------------------------------ */

/** An extension accepted earlier in the same negotiation. */
typedef struct wsx_accepted_extension {
  /** sizeof(wsx_accepted_extension) as the host compiled it. */
  size_t struct_size;
  /** Its token. Borrowed. */
  wsx_str token;
  /** RSV bits it owns (WSX_RSV*). */
  uint8_t rsv_bits;
  /** Its response parameters. Borrowed array. */
  const wsx_param* params;
  /** Number of params. */
  size_t param_count;
} wsx_accepted_extension;

/** One client offer, as seen by a server factory. */
typedef struct wsx_server_offer {
  /** sizeof(wsx_server_offer) as the host compiled it. */
  size_t struct_size;
  /** The offered token (equal to this factory's token). Borrowed. */
  wsx_str token;
  /** The offer's parameters in header order, duplicates kept. Borrowed. */
  const wsx_param* params;
  /** Number of params. */
  size_t param_count;
  /** Extensions accepted before this offer, in acceptance order. Borrowed
   *  array of pointers. */
  const wsx_accepted_extension* const* accepted;
  /** Number of accepted. */
  size_t accepted_count;
  /** Host-owned list for the response parameters (wsx_host_api.params_add).
   *  Only read when the factory returns WSX_OK. */
  wsx_params_out* response;
  /** Appended to ABI 1 (rule 7). The plugin's context for the I/O thread
   *  this negotiation runs on, as its thread_create returned it; the
   *  extension made here may keep it, and is then only ever called on that
   *  thread. Owned by the plugin. NULL when the plugin declares no
   *  thread_create, when thread_create failed, or when the host is older
   *  than this field (struct_size too small to hold it: read it only
   *  through the min(struct_size) copy of rule 2). */
  void* thread_context;
} wsx_server_offer;

/** The server's response for this factory's token, as seen by a client
 *  factory. */
typedef struct wsx_client_response {
  /** sizeof(wsx_client_response) as the host compiled it. */
  size_t struct_size;
  /** The token. Borrowed. */
  wsx_str token;
  /** The response's parameters in header order. Borrowed. */
  const wsx_param* params;
  /** Number of params. */
  size_t param_count;
  /** Extensions accepted before this one. Borrowed array of pointers. */
  const wsx_accepted_extension* const* accepted;
  /** Number of accepted. */
  size_t accepted_count;
  /** Appended to ABI 1 (rule 7). As wsx_server_offer.thread_context, for
   *  a client connection run by a host I/O thread. NULL when the host runs
   *  the client without per-thread contexts (wsx-client, the proxy's
   *  upstream side today) or is older than this field. Owned by the
   *  plugin. */
  void* thread_context;
} wsx_client_response;

/* ------------------------------------------------------------------------ */
/* Extension definitions (factories + extension operations)                  */
/* ------------------------------------------------------------------------ */

/** Roles a factory provides (bit set). */
typedef enum wsx_role {
  /** The factory can answer client offers (server side). */
  WSX_ROLE_SERVER = 1,
  /** The factory can make offers and accept responses (client side). */
  WSX_ROLE_CLIENT = 2
} wsx_role;

/**
 * One extension token a plugin provides. Owned by the plugin, static, valid
 * while the library is loaded. Function pointers for a role the definition
 * does not declare may be NULL. `plugin` below is the pointer create()
 * returned; `extension` is the pointer a factory returned.
 */
typedef struct wsx_extension_def {
  /** sizeof(wsx_extension_def) as the plugin compiled it. */
  size_t struct_size;
  /** Extension token, an RFC 7230 token (RFC 6455 section 9.1),
   *  NUL-terminated, e.g. "permessage-deflate". Matched case-insensitively. */
  const char* token;
  /** Bit set of wsx_role. */
  uint32_t roles;
  /** RSV bits (WSX_RSV*) frames of this extension may carry. The host
   *  rejects a frame with an RSV bit no accepted extension owns (1002) and
   *  never accepts two extensions that own the same bit. */
  uint8_t rsv_bits;

  /**
   * Server factory: process one client offer. Return WSX_OK with
   * *out_extension set (and response params appended to
   * offer->response), WSX_DECLINE to skip this offer (reason in
   * error->message), or WSX_FAIL to fail the handshake.
   */
  wsx_status (*server_negotiate)(void* plugin, const wsx_server_offer* offer, void** out_extension,
                                 wsx_error* error);

  /** Client factory, part 1: append the parameters of this client's offer
   *  to `offer`. WSX_DECLINE means "do not offer this token". */
  wsx_status (*client_offer)(void* plugin, wsx_params_out* offer, wsx_error* error);

  /** Client factory, part 2: process the server's response for this token.
   *  WSX_OK with *out_extension set accepts it; WSX_FAIL (or WSX_DECLINE)
   *  fails the connection, since a client cannot refuse a response. */
  wsx_status (*client_accept)(void* plugin, const wsx_client_response* response,
                              void** out_extension, wsx_error* error);

  /** Encode one outgoing frame (data and control frames, in order). Return
   *  WSX_OK with the new payload in out->payload, WSX_UNCHANGED, or
   *  WSX_FAIL. */
  wsx_status (*encode)(void* extension, const wsx_frame* in, wsx_frame_out* out, wsx_error* error);

  /** Decode one incoming frame. The decoded payload must not exceed
   *  `max_payload_size` bytes: stop as soon as it would and fail with
   *  WSX_CLOSE_MESSAGE_TOO_BIG (never allocate past it). Return WSX_OK,
   *  WSX_UNCHANGED or WSX_FAIL. */
  wsx_status (*decode)(void* extension, const wsx_frame* in, wsx_frame_out* out,
                       uint64_t max_payload_size, wsx_error* error);

  /** Destroy an extension made by a factory of this definition. Called once,
   *  when its connection ends. May be called from any thread. */
  void (*destroy_extension)(void* extension);
} wsx_extension_def;

/** Arguments of wsx_plugin_descriptor.create. */
typedef struct wsx_plugin_create_args {
  /** sizeof(wsx_plugin_create_args) as the host compiled it. */
  size_t struct_size;
  /** The [plugin.params] table, checked against the declared specs. Borrowed
   *  array; copy what you keep. */
  const wsx_config_param* params;
  /** Number of params. */
  size_t param_count;
  /** Host services for this instance; valid until destroy. Borrowed. */
  const wsx_host_api* api;
  /** The config file this instance comes from, for messages. Borrowed. */
  wsx_str config_path;
} wsx_plugin_create_args;

/** What a plugin is. Owned by the plugin, static, valid while loaded. */
typedef struct wsx_plugin_descriptor {
  /** sizeof(wsx_plugin_descriptor) as the plugin compiled it. */
  size_t struct_size;
  /** Plugin name, NUL-terminated, non-empty, e.g. "permessage-deflate". */
  const char* name;
  /** Plugin version, NUL-terminated, e.g. "1.0.0". */
  const char* version;
  /** One-line description, NUL-terminated. May be NULL. */
  const char* description;
  /** Configuration parameters accepted in [plugin.params]. */
  const wsx_param_spec* params;
  /** Number of params. */
  size_t param_count;
  /** Extension definitions: an array of pointers (each definition carries
   *  its own struct_size). */
  const wsx_extension_def* const* extensions;
  /** Number of extensions (at least 1). */
  size_t extension_count;

  /** Create a configured instance. Return WSX_OK with *out_plugin set, or
   *  WSX_FAIL with a message (e.g. a parameter value out of range). */
  wsx_status (*create)(const wsx_plugin_create_args* args, void** out_plugin, wsx_error* error);

  /** Destroy an instance. The host calls it only after every extension made
   *  through it was destroyed, and after every thread context was. */
  void (*destroy)(void* plugin);

  /* Appended to ABI 1 (rule 7). A plugin built against an older header has
   * a smaller struct_size, so the host reads both as NULL and never calls
   * them. Set both or neither (the host refuses a plugin that sets one). */

  /** Optional. Create the instance's context for one I/O thread. The host
   *  calls it on that thread, once per thread and instance (a reloaded
   *  config is a new instance), before the first negotiation there that
   *  could use it. Return WSX_OK with *out_thread_context set (NULL is
   *  allowed and means "no context"), or WSX_FAIL with a message: the host
   *  logs it and that thread's connections get thread_context NULL. May run
   *  on several I/O threads at once with the same instance. */
  wsx_status (*thread_create)(void* plugin, const wsx_thread_info* thread,
                              void** out_thread_context, wsx_error* error);

  /** Optional (required with thread_create). Destroy a context that
   *  thread_create returned (never called for NULL). Called once, after
   *  every extension made with it was destroyed and before destroy(plugin);
   *  from any thread, but never while anything else uses the context. */
  void (*thread_destroy)(void* plugin, void* thread_context);
} wsx_plugin_descriptor;

/**
 * The entry symbol (WSX_PLUGIN_ENTRY_SYMBOL). Pick an ABI version in
 * [host->abi_min, host->abi_max] that the plugin implements, store it in
 * *chosen_abi and the descriptor for that version in *descriptor, and return
 * WSX_OK. If none fits, return WSX_FAIL with a message naming the versions
 * the plugin implements.
 */
typedef wsx_status (*wsx_negotiate_fn)(const wsx_host_info* host, uint32_t* chosen_abi,
                                       const wsx_plugin_descriptor** descriptor, wsx_error* error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WSX_EXTENSION_H */
