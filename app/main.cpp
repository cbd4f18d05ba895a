// verity: the verification-code engine. Parses the command line, then runs the engine.

#include <variant>

#include "app/cli.hpp"
#include "app/engine_runner.hpp"

int main(int argc, char** argv) {
  auto parsed = verity::parse_command_line(argc, argv);
  if (const auto* exit_code = std::get_if<int>(&parsed))
    return *exit_code;
  const auto& run = std::get<verity::launch>(parsed);
  return verity::run_engine(run.settings, [&run] { return verity::load_config(run.sources); });
}
