// verity: the verification-code engine. Parses the command line, then runs the engine.

#include <variant>

#include "app/cli.hpp"
#include "app/engine_runner.hpp"

int main(int argc, char** argv) {
  auto parsed = verity::parse_command_line(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed))
    return *exit_code;
  return verity::run_engine(std::get<verity::launch>(parsed).settings);
}
