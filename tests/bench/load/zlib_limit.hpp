// zlib-limit, "the compression limit": no network. On one thread, each
// message of the workload (the text corpus; with --payload large, the --size
// binary payloads that large sends, for the limit of large --deflate) is
// compressed as permessage-deflate compresses it (raw deflate, deflateInit2
// with the given level, window and memLevel, Z_SYNC_FLUSH, the 00 00 ff ff
// tail removed, RFC 7692 section 7.2.1) and decompressed again (the tail
// appended, section 7.2.2), with context takeover on both sides, and checked,
// for --duration or --max-messages. One round trip per message is what a
// server does for each message it echoes.
#pragma once

#include "bench_options.hpp"
#include "bench_result.hpp"

namespace wsx::bench {

// Fills `result`; returns false (with the reason on stderr) on a zlib error
// or a round trip that does not give the message back.
bool run_zlib_limit(const BenchOptions& options, BenchResult& result);

}  // namespace wsx::bench
