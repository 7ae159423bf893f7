// Kubernetes manifests as JSON: YAML read as the API server's YAML decoder reads it (plain
// scalars that are numbers, booleans or null become those; quoted ones stay strings), several
// documents per file, `kind: List` expanded (items without an apiVersion take the List's). Each
// object must have apiVersion, kind and metadata.name.
#pragma once

#include <yaml-cpp/yaml.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "util/error.h"

namespace kubeiam::kubeapi {

boost::json::value YamlToJson(const YAML::Node& n, int depth = 0);

// Errors (kInvalidArgument) name `file_name` and the document number.
Result<std::vector<boost::json::object>> ParseManifestObjects(std::string_view text, const std::string& file_name);

// Every object of a manifest file, or of the .yaml/.yml/.json files under a folder (recursively,
// in name order). A folder read halfway (permissions) is an error, never fewer objects.
Result<std::vector<boost::json::object>> ReadManifestFiles(const std::string& path);

}  // namespace kubeiam::kubeapi
