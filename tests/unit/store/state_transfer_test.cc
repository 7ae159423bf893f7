// Copying state between stores and backup files: everything under the prefix arrives, in the
// order it was written; a target that holds keys is refused unless asked to replace them; backup
// files round-trip (bytes that are not UTF-8 as base64) and bad ones are refused by field.
#include "store/state_transfer.h"

#include <gtest/gtest.h>

#include "store/sqlite_kv.h"
#include "support/temp_dir.h"

namespace kubeiam::store {
namespace {

class StateTransfer : public ::testing::Test {
 protected:
  std::shared_ptr<SqliteKv> Open(const std::string& name) {
    auto kv = SqliteKv::Open(dir_.path() + "/" + name);
    EXPECT_TRUE(kv) << kv.error().message;
    return *kv;
  }
  testing::TempDir dir_;
};

TEST_F(StateTransfer, EveryKeyArrivesInTheOrderItWasWritten) {
  auto from = Open("from.db");
  ASSERT_TRUE(from->Txn({{}, {Put("clusters/a/z", "1"), Put("clusters/a/y", "2")}, {}}));
  ASSERT_TRUE(from->Txn({{}, {Put("clusters/a/a", "3")}, {}}));
  ASSERT_TRUE(from->Txn({{}, {Put("clusters/a/z", "4")}, {}}));
  ASSERT_TRUE(from->Txn({{}, {Put("elsewhere", "5"), Put("clusters/b/k", "6")}, {}}));
  auto dump = DumpState(*from, "clusters/a/");
  ASSERT_TRUE(dump);
  ASSERT_EQ(dump->kvs.size(), 3u);
  auto to = Open("to.db");
  auto written = LoadState(*to, *dump, ExistingKeys::kRefuse);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, 3u);
  auto copied = to->Range({"", std::string(1, '\0'), 0});
  ASSERT_EQ(copied->kvs.size(), 3u) << "only the prefix";
  std::map<std::string, KeyValue> by_key;
  for (const auto& kv : copied->kvs) by_key[kv.key] = kv;
  EXPECT_EQ(by_key["clusters/a/z"].value, "4");
  // y was last written before a, and a before z: so in the target too; y alone in its revision.
  EXPECT_LT(by_key["clusters/a/y"].mod_revision, by_key["clusters/a/a"].mod_revision);
  EXPECT_LT(by_key["clusters/a/a"].mod_revision, by_key["clusters/a/z"].mod_revision);
}

TEST_F(StateTransfer, ATargetWithKeysIsRefusedUnlessReplaced) {
  auto from = Open("from.db");
  ASSERT_TRUE(from->Txn({{}, {Put("clusters/a/new", "1")}, {}}));
  auto to = Open("to.db");
  ASSERT_TRUE(to->Txn({{}, {Put("clusters/a/old", "x"), Put("clusters/a/older", "y")}, {}}));
  auto dump = DumpState(*from, "clusters/");
  auto refused = LoadState(*to, *dump, ExistingKeys::kRefuse);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "the target already holds 2 keys under clusters/ (give --replace to overwrite them)");
  EXPECT_EQ(to->Range({"clusters/a/new", "", 0})->kvs.size(), 0u) << "nothing written";
  ASSERT_TRUE(LoadState(*to, *dump, ExistingKeys::kReplace));
  auto now = to->Range({"clusters/", PrefixEnd("clusters/"), 0});
  ASSERT_EQ(now->kvs.size(), 1u);
  EXPECT_EQ(now->kvs[0].key, "clusters/a/new");
}

TEST_F(StateTransfer, LargeRevisionsAreSplitWithinEtcdsLimits) {
  auto from = Open("from.db");
  TxnRequest big;
  for (int i = 0; i < 128; ++i) big.success.push_back(Put("clusters/a/k" + std::to_string(i), std::string(10000, 'v')));
  ASSERT_TRUE(from->Txn(big));
  ASSERT_TRUE(from->Txn(big));
  auto dump = DumpState(*from, "clusters/");
  ASSERT_EQ(dump->kvs.size(), 128u);
  auto to = Open("to.db");
  ASSERT_TRUE(LoadState(*to, *dump, ExistingKeys::kRefuse));
  EXPECT_EQ(to->Range({"clusters/", PrefixEnd("clusters/"), 0})->kvs.size(), 128u);
}

TEST_F(StateTransfer, BackupsRoundTrip) {
  StateDump dump{"clusters/", 9, {{"clusters/a/text", "{\"x\":1}", 2, 9, 3}, {"clusters/a/bytes", std::string("\xff\x00", 2), 4, 4, 1}}};
  std::string text = EncodeBackup(dump);
  EXPECT_NE(text.find(R"("valueBase64":"/wA=")"), std::string::npos) << text;
  auto back = DecodeBackup(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->revision, 9);
  ASSERT_EQ(back->kvs.size(), 2u);
  EXPECT_EQ(back->kvs[1].value, std::string("\xff\x00", 2));
  EXPECT_EQ(back->kvs[0].mod_revision, 9);
}

TEST_F(StateTransfer, BadBackupsNameTheField) {
  const std::string head = R"({"kind":"KubeiamStoreBackup","version":1,"prefix":"clusters/","revision":1,"keys":)";
  struct Case {
    std::string text, error;
  } cases[] = {
      {"[", "not JSON: "},
      {"[]", "must be a JSON object"},
      {R"({"kind":"Other"})", "kind: must be KubeiamStoreBackup"},
      {R"({"kind":"KubeiamStoreBackup","version":2})", "version: must be 1"},
      {head + "{}}", "keys: must be an array"},
      {head + "[1]}", "keys[0]: must be an object"},
      {head + R"([{"key":"clusters/a","value":"v","createRevision":1,"modRevision":-1,"version":1}]})",
       "keys[0].modRevision: must be a whole number >= 0"},
      {head + R"([{"key":"clusters/a","createRevision":1,"modRevision":1,"version":1}]})", "keys[0].value: must be a string"},
      {head + R"([{"key":"other/a","value":"v","createRevision":1,"modRevision":1,"version":1}]})",
       "keys[0].key: must start with the prefix clusters/"},
      {head + R"([{"key":"clusters/a","valueBase64":"!!","createRevision":1,"modRevision":1,"version":1}]})",
       "keys[0].valueBase64: not base64"},
  };
  for (const auto& c : cases) {
    auto got = DecodeBackup(c.text);
    ASSERT_FALSE(got) << c.text;
    EXPECT_EQ(got.error().message.substr(0, c.error.size()), c.error) << got.error().message;
  }
}

}  // namespace
}  // namespace kubeiam::store
