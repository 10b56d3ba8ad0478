#include "app/cli_usage.h"

#include <iostream>

#include "app/cli_reference.h"
#include "app/exit_codes.h"
#include "engine/model/suggest.h"
#include "engine/model/iso_date.h"

namespace syncline::app {

namespace {

// The deepest command the parser got to: `syncline audit verfy` stops in `audit`.
CLI::App* deepestCommand(CLI::App& app) {
    CLI::App* command = &app;
    for (auto parsed = command->get_subcommands(); !parsed.empty(); parsed = command->get_subcommands()) {
        command = parsed.front();
    }
    return command;
}

std::string commandPath(const CLI::App* command) {
    std::string path;
    for (; command != nullptr; command = command->get_parent()) {
        path = command->get_name() + (path.empty() ? "" : " " + path);
    }
    return path;
}

std::vector<std::string> subcommandNames(CLI::App& command) {
    std::vector<std::string> names;
    for (const auto* sub : command.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
        names.push_back(sub->get_name());
    }
    return names;
}

// The long options of `command` and of the commands above it (they fall through), hidden ones left out.
std::vector<std::string> optionNames(const CLI::App* command) {
    std::vector<std::string> names;
    for (; command != nullptr; command = command->get_parent()) {
        for (const auto* option : command->get_options()) {
            if (option->get_group().empty()) {
                continue;
            }
            for (const auto& name : option->get_lnames()) {
                names.push_back("--" + name);
            }
        }
    }
    return names;
}

// The first word of the command line the parser did not take.
std::string unexpectedWord(CLI::App& app, CLI::App& command) {
    for (const CLI::App* c = &command; c != nullptr; c = c->get_parent()) {
        const auto left = c->remaining();
        if (!left.empty()) {
            return left.front();
        }
    }
    const auto left = app.remaining(true);
    return left.empty() ? "" : left.front();
}

}  // namespace

std::string commandFooter(const std::string& example, const std::string& doc) {
    const std::string installed = "/usr/share/doc/syncline/" + doc.substr(doc.find('/') + 1);
    return "\nExample:\n  " + example + "\n\nSee: " + doc + " (installed: " + installed + "), man syncline";
}

CLI::Validator isoDay() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (model::isIsoDate(text)) {
                return "";
            }
            return "'" + text + "' is not a day: write YYYY-MM-DD, a real calendar day (2026-11-27)";
        },
        "YYYY-MM-DD");
}

CLI::Validator utcTime() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            // isIsoDateTime also takes offsets (+02:00); the audit log keeps UTC and compares as written.
            const bool offset = text.size() > 10 && text.find_first_of("+-", 10) != std::string::npos;
            if (model::isIsoDateTime(text) && !offset) {
                return "";
            }
            return "'" + text +
                   "' is not a UTC time: write 2026-11-27, 2026-11-27T10:00:00Z or \"2026-11-27 10:00\" (UTC, a real "
                   "calendar day)";
        },
        "UTC time");
}

int reportUsageError(CLI::App& app, const CLI::ParseError& error) {
    if (dynamic_cast<const CLI::CallForAllHelp*>(&error) != nullptr) {
        std::cout << cliReference(app);
        return kExitOk;
    }
    if (error.get_exit_code() == 0) {
        return app.exit(error) == 0 ? kExitOk : kExitUsage;  // --help, --help-all, --version
    }
    CLI::App& command = *deepestCommand(app);
    const std::string path = commandPath(&command);
    const std::string word = unexpectedWord(app, command);
    const bool extra = dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr ||
                       (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && !word.empty());
    if (extra && !word.empty() && word.front() != '-' && !subcommandNames(command).empty()) {
        std::cerr << path << ": '" << word << "' is not a command of " << path;
        if (const auto best = model::closestMatch(word, subcommandNames(command))) {
            std::cerr << " (did you mean '" << *best << "'?)";
        }
        std::cerr << "\nRun '" << path << " --help' for the commands.\n";
        return kExitUsage;
    }
    if (extra && word.size() > 1 && word.front() == '-') {
        std::cerr << path << ": unknown option '" << word << "'";
        if (const auto best = model::closestMatch(word.substr(0, word.find('=')), optionNames(&command))) {
            std::cerr << " (did you mean '" << *best << "'?)";
        }
        std::cerr << "\nRun '" << path << " --help' for its options.\n";
        return kExitUsage;
    }
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && word.empty() &&
        command.get_subcommands().empty() && !subcommandNames(command).empty() &&
        command.get_require_subcommand_min() > 0) {
        std::string names;
        for (const auto& name : subcommandNames(command)) {
            names += (names.empty() ? "" : ", ") + name;
        }
        std::cerr << path << ": which command? One of: " << names << "\nRun '" << path
                  << " --help' for what each does.\n";
        return kExitUsage;
    }
    std::cerr << path << ": " << error.what() << "\nRun '" << path << " --help' for more information.\n";
    return kExitUsage;
}

}  // namespace syncline::app
