/* An extension hook that returns a status outside wsx_status, as a buggy C
 * plugin could (legal C: an enum is an int). Written in C so the test itself
 * has no undefined behaviour; the host must treat the value as a failure. */
#include <wsx/extension.h>

wsx_status wsx_test_bogus_encode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                 wsx_error* error) {
  (void)extension;
  (void)in;
  (void)out;
  (void)error;
  return (wsx_status)42;
}

wsx_status wsx_test_bogus_decode(void* extension, const wsx_frame* in, wsx_frame_out* out,
                                 uint64_t max_payload_size, wsx_error* error) {
  (void)max_payload_size;
  return wsx_test_bogus_encode(extension, in, out, error);
}
