// The per-thread connection table behind ConnectionHandle (host/net/slot_table.hpp).
#include "net/slot_table.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace wsx::net {
namespace {

struct Counted {
  explicit Counted(int& live, int value) : live(live), value(value) { ++live; }
  ~Counted() { --live; }
  int& live;
  int value;
};

TEST(SlotTable, FindsWhatItStoresAndForgetsWhatItErases) {
  int live = 0;
  SlotTable<Counted> table;
  SlotTable<Counted>::Key key_a{}, key_b{};
  table.emplace([&](auto key) {
    key_a = key;
    return std::make_unique<Counted>(live, 1);
  });
  table.emplace([&](auto key) {
    key_b = key;
    return std::make_unique<Counted>(live, 2);
  });
  EXPECT_EQ(table.size(), 2u);
  ASSERT_NE(table.find(key_a), nullptr);
  EXPECT_EQ(table.find(key_a)->value, 1);
  EXPECT_EQ(table.find(key_b)->value, 2);
  table.erase(key_a);
  EXPECT_EQ(live, 1);
  EXPECT_EQ(table.find(key_a), nullptr);
  EXPECT_EQ(table.size(), 1u);
  table.erase(key_a);  // twice is harmless
  EXPECT_EQ(table.size(), 1u);
}

TEST(SlotTable, AStaleKeyDoesNotFindTheSlotsNextOccupant) {
  int live = 0;
  SlotTable<Counted> table;
  SlotTable<Counted>::Key old_key{}, new_key{};
  table.emplace([&](auto key) {
    old_key = key;
    return std::make_unique<Counted>(live, 1);
  });
  table.erase(old_key);
  table.emplace([&](auto key) {
    new_key = key;
    return std::make_unique<Counted>(live, 2);
  });
  EXPECT_EQ(new_key.slot, old_key.slot);  // the slot is reused...
  EXPECT_NE(new_key.generation, old_key.generation);
  EXPECT_EQ(table.find(old_key), nullptr);  // ...but the old key is dead
  ASSERT_NE(table.find(new_key), nullptr);
  EXPECT_EQ(table.find(new_key)->value, 2);
  EXPECT_NE(new_key.generation, 0u);
}

TEST(SlotTable, ForEachMayEraseAndTheTableFreesEverythingOnDestruction) {
  int live = 0;
  {
    SlotTable<Counted> table;
    std::vector<SlotTable<Counted>::Key> keys;
    for (int i = 0; i < 5; ++i) {
      table.emplace([&](auto key) {
        keys.push_back(key);
        return std::make_unique<Counted>(live, i);
      });
    }
    int visited = 0;
    table.for_each([&](Counted& item) {
      ++visited;
      if (item.value % 2 == 0) table.erase(keys[static_cast<std::size_t>(item.value)]);
    });
    EXPECT_EQ(visited, 5);
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EQ(live, 2);
  }
  EXPECT_EQ(live, 0);
}

TEST(SlotTable, AFailedConstructionLeavesNoSlotBehind) {
  int live = 0;
  SlotTable<Counted> table;
  EXPECT_THROW(
      table.emplace([&](auto) -> std::unique_ptr<Counted> { throw std::runtime_error("no"); }),
      std::runtime_error);
  EXPECT_EQ(table.size(), 0u);
  SlotTable<Counted>::Key key{};
  table.emplace([&](auto k) {
    key = k;
    return std::make_unique<Counted>(live, 7);
  });
  EXPECT_EQ(key.slot, 0u);
  EXPECT_EQ(table.find(key)->value, 7);
}

}  // namespace
}  // namespace wsx::net
