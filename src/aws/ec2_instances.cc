#include "aws/ec2_instances.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>
#include <thread>

#include "aws/sigv4.h"
#include "http/client.h"
#include "sts/sts_api.h"
#include "util/strings.h"

namespace kubeiam::aws {

RateLimiter::RateLimiter(double qps, int burst)
    : qps_(qps), burst_(std::max(1, burst)), tokens_(std::max(1, burst)), last_(std::chrono::steady_clock::now()) {}

void RateLimiter::Acquire() {
  if (qps_ <= 0) return;  // 0 means unlimited, as in the reference
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    auto now = std::chrono::steady_clock::now();
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * qps_);
    last_ = now;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return;
    }
    auto wait = std::chrono::duration<double>((1 - tokens_) / qps_);
    l.unlock();
    std::this_thread::sleep_for(wait);
    l.lock();
  }
}

Ec2PrivateDns::Ec2PrivateDns(Options options) : options_(std::move(options)), limiter_(options_.qps, options_.burst) {}

Result<std::map<std::string, std::string>> Ec2PrivateDns::ParseDescribeInstances(std::string_view xml) {
  namespace pt = boost::property_tree;
  pt::ptree tree;
  try {
    std::istringstream in{std::string(xml)};
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kFormat, std::string("DescribeInstances answer is not valid XML: ") + e.what());
  }
  std::map<std::string, std::string> out;
  auto reservations = tree.get_child_optional("DescribeInstancesResponse.reservationSet");
  if (!reservations) return out;
  for (const auto& [name, reservation] : *reservations) {
    auto instances = reservation.get_child_optional("instancesSet");
    if (name != "item" || !instances) continue;
    for (const auto& [iname, instance] : *instances) {
      if (iname != "item") continue;
      std::string id(Trim(instance.get<std::string>("instanceId", "")));
      std::string dns(Trim(instance.get<std::string>("privateDnsName", "")));
      if (!id.empty()) out[id] = dns;
    }
  }
  return out;
}

Result<std::string> Ec2PrivateDns::Lookup(const std::string& id) {
  std::unique_lock<std::mutex> lock(mu_);
  if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  std::shared_ptr<Pending> mine;
  if (auto it = pending_.find(id); it != pending_.end()) {
    mine = it->second;
  } else {
    mine = std::make_shared<Pending>();
    pending_[id] = mine;
    queue_.push_back(id);
    cv_.notify_all();  // a leader gathering a batch may now have a full one
  }
  while (!mine->done) {
    if (!leader_ && !queue_.empty()) {
      RunBatch(lock);
      continue;
    }
    cv_.wait(lock);
  }
  return mine->result;
}

// Called with the lock held; releases it while waiting and calling EC2.
void Ec2PrivateDns::RunBatch(std::unique_lock<std::mutex>& lock) {
  leader_ = true;
  // Let other lookups join this batch for a moment (or until it is full).
  auto until = std::chrono::steady_clock::now() + options_.batch_window;
  while (queue_.size() < options_.max_batch && cv_.wait_until(lock, until) != std::cv_status::timeout) {
  }
  size_t n = std::min(queue_.size(), options_.max_batch);
  std::vector<std::string> batch(queue_.begin(), queue_.begin() + long(n));
  queue_.erase(queue_.begin(), queue_.begin() + long(n));
  ++calls_;
  lock.unlock();

  Result<std::map<std::string, std::string>> names = Fail(ErrorCode::kInternal, "unset");
  limiter_.Acquire();
  auto creds = options_.credentials ? options_.credentials() : Fail(ErrorCode::kUnauthenticated, "no credentials");
  if (!creds) {
    names = std::unexpected(creds.error());
  } else {
    aws::KeyValues params = {{"Action", "DescribeInstances"}, {"Version", "2016-11-15"}};
    for (size_t i = 0; i < batch.size(); ++i) params.emplace_back("InstanceId." + std::to_string(i + 1), batch[i]);
    std::string host = options_.endpoint.substr(options_.endpoint.find("://") + 3);
    host = host.substr(0, host.find('/'));
    aws::SignableRequest r{"POST", "/", {}, {{"Host", host}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                           aws::EncodeQuery(params)};
    aws::SignHeaders(r, *creds, {options_.region, "ec2", Clock::now()});
    auto res = http::Fetch({"POST", options_.endpoint + "/", r.headers, r.body, std::chrono::seconds(10), options_.ca_file});
    if (!res) {
      names = std::unexpected(res.error());
    } else if (res->status != 200) {
      names = std::unexpected(sts::ParseErrorResponse(res->status, res->body, "DescribeInstances"));
    } else {
      names = ParseDescribeInstances(res->body);
    }
  }

  lock.lock();
  for (const auto& id : batch) {
    auto p = pending_[id];
    pending_.erase(id);
    if (!names) {
      p->result = Fail(ErrorCode::kUnavailable, "failed querying private DNS from EC2 API for node " + id + ": " +
                                                    names.error().message);
    } else if (auto it = names->find(id); it != names->end() && !it->second.empty()) {
      cache_[id] = it->second;
      p->result = it->second;
    } else {
      p->result = Fail(ErrorCode::kNotFound, "failed to find node " + id);
    }
    p->done = true;
  }
  leader_ = false;
  cv_.notify_all();
}

}  // namespace kubeiam::aws
