// The status page served at GET / by the metrics listener: one
// self-contained HTML file (status_page.html: inline CSS, script and SVG,
// no CDN, no build step) embedded in the binary at configure time
// (status_page.cpp.in), so the host needs no files beside it.
#pragma once

#include <string_view>

namespace wsx::metrics {

extern const std::string_view kStatusPageHtml;

}  // namespace wsx::metrics
