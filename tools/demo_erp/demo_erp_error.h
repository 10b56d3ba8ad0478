#pragma once

#include <stdexcept>
#include <string>

namespace syncline::demo_erp {

/// sysexits-style exit codes used by syncline-demo-erp.
inline constexpr int kExitUsage = 64;        // bad command line
inline constexpr int kExitUnavailable = 69;  // database server cannot be reached
inline constexpr int kExitSoftware = 70;     // generation failed inside the database
inline constexpr int kExitCantCreate = 73;   // output file cannot be created
inline constexpr int kExitConfig = 78;       // refused: schema files missing, database not empty, ...

/// Thrown anywhere inside the generator; main() prints what() and exits with exitCode().
class DemoErpError : public std::runtime_error {
  public:
    DemoErpError(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
    int exitCode() const { return exit_code_; }

  private:
    int exit_code_;
};

}  // namespace syncline::demo_erp
