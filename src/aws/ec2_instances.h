// EC2 instance ID -> private DNS name, for the {{EC2PrivateDNSName}} template
// (spec/authenticator.md §3.7), with DescribeInstances (Query protocol, SigV4 "ec2").
//
// Names are cached for good (an instance keeps its name). Concurrent lookups of one ID share a
// call; IDs asked for within a short window go out together, up to 100 a call; calls are rate
// limited by a token bucket, so thousands of nodes re-authenticating after a restart cannot
// flood the API.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "util/error.h"

namespace kubeiam::aws {

// Blocks until a call may go out: `qps` tokens a second, at most `burst` saved up.
class RateLimiter {
 public:
  RateLimiter(double qps, int burst);
  void Acquire();

 private:
  std::mutex mu_;
  double qps_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_;
};

class Ec2PrivateDns {
 public:
  struct Options {
    std::string endpoint;  // https://ec2.<region>.amazonaws.com, or a test stand-in
    std::string region;
    std::string ca_file;
    double qps = 15;
    int burst = 5;
    std::chrono::milliseconds batch_window{200};
    size_t max_batch = 100;
    std::function<Result<Credentials>()> credentials;
  };

  explicit Ec2PrivateDns(Options options);
  Result<std::string> Lookup(const std::string& instance_id);
  size_t calls() const { return calls_; }

  // instanceId -> privateDnsName from a DescribeInstances answer.
  static Result<std::map<std::string, std::string>> ParseDescribeInstances(std::string_view xml);

 private:
  struct Pending {
    bool done = false;
    Result<std::string> result = Fail(ErrorCode::kInternal, "pending");
  };
  void RunBatch(std::unique_lock<std::mutex>& lock);

  Options options_;
  RateLimiter limiter_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> cache_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;  // asked for, not yet answered
  std::vector<std::string> queue_;                           // pending, not yet sent
  bool leader_ = false;
  size_t calls_ = 0;
};

}  // namespace kubeiam::aws
