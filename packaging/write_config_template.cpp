// verity-config-template: writes the commented configuration file (/etc/verity/verity.toml in
// the package) to the path given as its one argument. A build tool; not installed.

#include <fstream>
#include <iostream>

#include "config/config_template.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: verity-config-template OUTPUT\n";
    return 2;
  }
  std::ofstream out{argv[1], std::ios::binary | std::ios::trunc};
  out << verity::config_template();
  out.close();
  if (!out) {
    std::cerr << "verity-config-template: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
