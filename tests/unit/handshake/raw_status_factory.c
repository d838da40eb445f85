/* Factory functions written in C, as a plugin author would: they return a
 * status value chosen at run time, which C allows to be any int -- including
 * values outside wsx_status that the host must treat as failures. */
#include <wsx/extension.h>

static int raw_status(void* plugin) {
  return *(const int*)plugin;
}

wsx_status wsx_test_raw_server_negotiate(void* plugin, const wsx_server_offer* offer,
                                         void** out_extension, wsx_error* error) {
  (void)offer;
  (void)out_extension;
  (void)error;
  return (wsx_status)raw_status(plugin);
}

wsx_status wsx_test_raw_client_offer(void* plugin, wsx_params_out* offer, wsx_error* error) {
  (void)offer;
  (void)error;
  return (wsx_status)raw_status(plugin);
}

wsx_status wsx_test_raw_client_accept(void* plugin, const wsx_client_response* response,
                                      void** out_extension, wsx_error* error) {
  (void)response;
  (void)out_extension;
  (void)error;
  return (wsx_status)raw_status(plugin);
}
