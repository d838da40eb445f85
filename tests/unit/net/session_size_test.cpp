// The per-connection footprint that does not depend on traffic: the session
// object itself (socket, core::Connection, timer hook, bookkeeping). The
// whole idle cost, heap and kernel registration included, is measured by
// wsx_net_idle_memory_test.
#include <gtest/gtest.h>

#include <cstdio>

#include "net/session.hpp"

namespace wsx::net {
namespace {

TEST(SessionSize, StaysWellUnderTheIdleConnectionBudget) {
  std::printf("sizeof(Session)=%zu  sizeof(core::Connection)=%zu  sizeof(Socket)=%zu\n",
              sizeof(Session), sizeof(core::Connection), sizeof(Socket));
  // The budget for an idle connection is 5 KiB in total; the object itself
  // must stay a small part of it.
  EXPECT_LE(sizeof(Session), 1024u);
}

}  // namespace
}  // namespace wsx::net
