// Answers the HTTP server writes over time. Relaying a Forward (http/upstream.h): send the
// request to the upstream, stream the answer back to the client as it arrives, or tunnel an
// upgraded connection both ways. Writing a ResponseStream: kubeiam's own chunks as they come.
// Internal to http/http_server.cc.
//
// Each client connection keeps its own upstream connection (an UpstreamSlot) across its
// keep-alive requests, so a busy client pays the upstream's TCP and TLS handshakes once, and the
// upstream connection lives on the client connection's strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "http/http_server.h"
#include "http/upstream.h"

namespace kubeiam::http {

struct UpstreamConnection;

struct UpstreamSlot {
  UpstreamSlot();
  ~UpstreamSlot();
  std::unique_ptr<UpstreamConnection> connection;
};

struct RelayOutcome {
  bool answered = false;    // something was written to the client
  bool keep_alive = false;  // the client connection may serve another request
  std::string failure;      // when nothing was written: why (for Forward::on_failure)
};

// `client_buffer` holds what was read from the client beyond the request (an upgrade's first
// bytes). `timeout` bounds connecting, sending and each write to the client; the upstream has
// 60 s to answer (and between pieces of a finite answer); a streaming answer may wait for the
// upstream as long as the client stays; a tunnel closes after 4 hours without traffic.
template <typename ClientStream>
boost::asio::awaitable<RelayOutcome> Relay(ClientStream& client, boost::beast::flat_buffer& client_buffer,
                                           const Forward& forward, bool keep_alive, UpstreamSlot& slot,
                                           std::chrono::milliseconds timeout);

// Writes `response`'s header and then its stream's chunks as Poll produces them, until the
// stream ends (the connection may go on) or the client hangs up (it may not). Returns whether
// the connection may serve another request.
template <typename ClientStream>
boost::asio::awaitable<bool> WriteStream(ClientStream& client, boost::beast::flat_buffer& client_buffer,
                                         const HttpResponse& response, bool keep_alive,
                                         std::chrono::milliseconds timeout);

}  // namespace kubeiam::http
