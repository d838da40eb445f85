#include "test_extensions.hpp"

#include <cstring>

#include "core/extensions/byte_buffer.hpp"

extern "C" {
// bogus_status_extension.c
wsx_status wsx_test_bogus_encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                 wsx_error* error);
wsx_status wsx_test_bogus_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                 std::uint64_t max_payload_size, wsx_error* error);
}

namespace wsx::core::test {

const wsx_host_api& test_host_api() {
  static const wsx_host_api api = [] {
    wsx_host_api table{};
    table.struct_size = sizeof table;
    fill_buffer_services(table);
    return table;
  }();
  return api;
}

namespace {

void note(TestExtension& ext, const char* what) {
  if (ext.calls != nullptr) ext.calls->push_back(ext.name + "." + what);
}

wsx_status write_payload(wsx_buffer* out, const std::uint8_t* data, std::size_t size) {
  if (size == 0) return WSX_OK;
  return test_host_api().buffer_append(out, data, size) == 0 ? WSX_OK : WSX_FAIL;
}

wsx_status fail_with(TestExtension& ext, wsx_error* error) {
  error->close_code = ext.fail_code;
  test_host_api().buffer_append(error->message, ext.fail_message.data(), ext.fail_message.size());
  return WSX_FAIL;
}

wsx_status test_encode(void* extension, const wsx_frame* in, wsx_frame_out* out, wsx_error* error) {
  auto& ext = *static_cast<TestExtension*>(extension);
  note(ext, "encode");
  ext.last_input = in->payload.data;
  switch (ext.behaviour) {
    case Behaviour::tag: {
      if (in->opcode >= 8) return WSX_UNCHANGED;
      if (write_payload(out->payload, in->payload.data, in->payload.size) != WSX_OK)
        return WSX_FAIL;
      const auto tag = static_cast<std::uint8_t>(ext.tag);
      if (write_payload(out->payload, &tag, 1) != WSX_OK) return WSX_FAIL;
      out->rsv = static_cast<std::uint8_t>(out->rsv | ext.rsv);
      return WSX_OK;
    }
    case Behaviour::unchanged:
      out->rsv = static_cast<std::uint8_t>(out->rsv | ext.set_rsv_on_encode);
      return WSX_UNCHANGED;
    case Behaviour::fail:
      return fail_with(ext, error);
    case Behaviour::bogus_status:  // hooked to the C functions directly
    case Behaviour::expand:
      return WSX_UNCHANGED;
    case Behaviour::change_kind:
      out->opcode = WSX_OPCODE_PING;
      return WSX_UNCHANGED;
  }
  return WSX_FAIL;
}

wsx_status test_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                       std::uint64_t max_payload_size, wsx_error* error) {
  auto& ext = *static_cast<TestExtension*>(extension);
  note(ext, "decode");
  ext.last_input = in->payload.data;
  ext.last_max_payload = max_payload_size;
  switch (ext.behaviour) {
    case Behaviour::tag: {
      if ((in->rsv & ext.rsv) == 0) return WSX_UNCHANGED;
      if (in->payload.size == 0 ||
          in->payload.data[in->payload.size - 1] != static_cast<std::uint8_t>(ext.tag)) {
        error->close_code = WSX_CLOSE_PROTOCOL_ERROR;
        test_host_api().buffer_append(error->message, "missing tag", 11);
        return WSX_FAIL;
      }
      if (write_payload(out->payload, in->payload.data, in->payload.size - 1) != WSX_OK)
        return WSX_FAIL;
      out->rsv = static_cast<std::uint8_t>(out->rsv & ~ext.rsv);
      return WSX_OK;
    }
    case Behaviour::unchanged:
      out->rsv = static_cast<std::uint8_t>(out->rsv & ~ext.clear_rsv_on_decode);
      return WSX_UNCHANGED;
    case Behaviour::fail:
      return fail_with(ext, error);
    case Behaviour::bogus_status:  // hooked to the C functions directly
      return WSX_UNCHANGED;
    case Behaviour::change_kind:
      out->opcode = WSX_OPCODE_PING;
      return WSX_UNCHANGED;
    case Behaviour::expand: {
      if (2 * in->payload.size > max_payload_size) {
        error->close_code = WSX_CLOSE_MESSAGE_TOO_BIG;
        return WSX_FAIL;
      }
      for (int copy = 0; copy < 2; ++copy)
        if (write_payload(out->payload, in->payload.data, in->payload.size) != WSX_OK)
          return WSX_FAIL;
      return WSX_OK;
    }
  }
  return WSX_FAIL;
}

void test_destroy(void* extension) {
  ++static_cast<TestExtension*>(extension)->destroyed;
}

}  // namespace

std::shared_ptr<const ExtensionFactory> make_test_factory(const std::string& token,
                                                          std::uint8_t rsv_bits,
                                                          Behaviour behaviour) {
  auto factory = std::make_shared<ExtensionFactory>();
  factory->token = token;
  factory->plugin_name = "test-" + token;
  factory->rsv_bits = rsv_bits;
  factory->def.struct_size = sizeof(wsx_extension_def);
  factory->def.token = "test";  // the factory's own token string is what the chain uses
  factory->def.roles = WSX_ROLE_SERVER | WSX_ROLE_CLIENT;
  factory->def.rsv_bits = rsv_bits;
  factory->def.encode = &test_encode;
  factory->def.decode = &test_decode;
  factory->def.destroy_extension = &test_destroy;
  if (behaviour == Behaviour::bogus_status) {
    // The foreign value must reach the host straight from C code.
    factory->def.encode = &wsx_test_bogus_encode;
    factory->def.decode = &wsx_test_bogus_decode;
  }
  return factory;
}

Extension make_test_extension(TestExtension& state, std::vector<ExtensionParam> params) {
  return Extension(make_test_factory(state.name, state.rsv, state.behaviour), &state,
                   std::move(params));
}

}  // namespace wsx::core::test
