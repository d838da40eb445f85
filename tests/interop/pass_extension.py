"""The client half of the test plugins' "x-test-variant" extension
(tests/plugins/variant_plugin.c) for python-websockets: frames pass
unchanged, so a test can negotiate a test plugin's extension with a real
third-party client."""

from websockets.extensions.base import ClientExtensionFactory, Extension

TOKEN = "x-test-variant"


class PassThrough(Extension):
    """The client half of the test plugin's extension: frames unchanged."""

    name = TOKEN

    def decode(self, frame, *, max_size=None):
        return frame

    def encode(self, frame):
        return frame


class PassThroughFactory(ClientExtensionFactory):
    name = TOKEN

    def get_request_params(self):
        return []

    def process_response_params(self, params, accepted_extensions):
        return PassThrough()
