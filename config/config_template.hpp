#pragma once

#include <string>

/// The commented configuration file installed as /etc/verity/verity.toml, made from the key table.
namespace verity {

/// A TOML file listing every configuration key, commented out, with its default and its meaning
/// on the line above: as installed it sets nothing, and uncommenting a line sets that key.
std::string config_template();

} // namespace verity
