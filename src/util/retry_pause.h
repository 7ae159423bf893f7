// The pause before trying a lost peer again (etcd, an API server): a random length between half
// and all of a ceiling, so that replicas and watchers that lost it together do not come back in
// step, and a stop request cuts it short.
#pragma once

#include <atomic>
#include <chrono>

namespace kubeiam {

// A random duration from ceiling/2 to ceiling.
std::chrono::milliseconds JitteredPause(std::chrono::milliseconds ceiling);

// Sleeps for JitteredPause(ceiling), returning within 20 ms once `stop` is set.
void PauseUnlessStopped(std::chrono::milliseconds ceiling, const std::atomic<bool>& stop);

}  // namespace kubeiam
