#include "app/cli_reference.h"

#include <cctype>
#include <set>
#include <sstream>
#include <vector>

namespace syncline::app {

namespace {

struct CommandWords {
    std::string path;  ///< "/orders/import"; "" for the program itself
    std::vector<std::string> commands;
    std::vector<std::string> options;
};

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) {
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

// The visible names of `command`'s options ("-c", "--config"); value-taking ones also go to `with_value`.
std::vector<std::string> visibleOptions(const CLI::App& command, std::set<std::string>& with_value) {
    std::vector<std::string> names;
    for (const auto* option : command.get_options()) {
        if (option->get_group().empty() || !option->nonpositional()) {
            continue;  // hidden (used by serve), or a positional
        }
        std::vector<std::string> own;
        for (const auto& name : option->get_snames()) {
            own.push_back("-" + name);
        }
        for (const auto& name : option->get_lnames()) {
            own.push_back("--" + name);
        }
        for (const auto& name : own) {
            names.push_back(name);
            if (option->get_expected_max() != 0) {
                with_value.insert(name);
            }
        }
    }
    return names;
}

void collect(const CLI::App& command, const std::string& path, const std::vector<std::string>& inherited,
             std::vector<CommandWords>& out, std::set<std::string>& with_value) {
    CommandWords words{path, {}, inherited};
    for (const auto& name : visibleOptions(command, with_value)) {
        words.options.push_back(name);
    }
    const auto subcommands = command.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
    for (const auto* sub : subcommands) {
        words.commands.push_back(sub->get_name());
    }
    out.push_back(words);
    // Options of the commands above fall through to their subcommands; help is each command's own.
    std::vector<std::string> passed;
    for (const auto& name : words.options) {
        if (name != "-h" && name != "--help" && name != "--version" && name != "--help-all") {
            passed.push_back(name);
        }
    }
    for (const auto* sub : subcommands) {
        collect(*sub, path + "/" + sub->get_name(), passed, out, with_value);
    }
}

std::string optionLabel(const CLI::Option& option) {
    std::string label;
    if (!option.nonpositional()) {
        for (char c : option.get_name()) {
            label += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        return label;
    }
    for (const auto& name : option.get_snames()) {
        label += (label.empty() ? "-" : ", -") + name;
    }
    for (const auto& name : option.get_lnames()) {
        label += (label.empty() ? "--" : ", --") + name;
    }
    if (option.get_expected_max() != 0) {
        // "TEXT:{text,json}" shows the allowed words; "INT:INT in [1 - 100]" and the like only the type.
        const std::string type = option.get_type_name();
        const auto colon = type.find(':');
        label += " " + (colon != std::string::npos && type.compare(colon + 1, 1, "{") == 0 ? type.substr(colon + 1)
                                                                                           : type.substr(0, colon));
    }
    return label;
}

// "  LABEL   description", the description from column 30 (on the next line after a long label).
void describeOption(std::ostream& out, const CLI::Option& option) {
    const std::string label = "  " + optionLabel(option);
    out << label;
    if (label.size() + 2 <= 30) {
        out << std::string(30 - label.size(), ' ');
    } else {
        out << "\n" << std::string(30, ' ');
    }
    out << option.get_description() << "\n";
}

// The line after "Example:" and the "See:" line of a footer made by commandFooter() (app/cli_usage.h).
std::pair<std::string, std::string> exampleAndDoc(const std::string& footer) {
    std::istringstream lines(footer);
    std::string example;
    std::string doc;
    bool next_is_example = false;
    for (std::string line; std::getline(lines, line);) {
        if (next_is_example) {
            example = line.substr(line.find_first_not_of(' '));
            next_is_example = false;
        } else if (line == "Example:") {
            next_is_example = true;
        } else if (line.rfind("See: ", 0) == 0) {
            doc = line.substr(0, line.rfind(", man syncline"));  // the man page need not point at itself
        }
    }
    return {example, doc};
}

void describeCommand(std::ostream& out, const CLI::App& command, const std::string& path) {
    std::vector<const CLI::Option*> positionals;
    std::vector<const CLI::Option*> options;
    for (const auto* option : command.get_options()) {
        if (!option->get_group().empty() && option != command.get_help_ptr()) {
            (option->nonpositional() ? options : positionals).push_back(option);
        }
    }
    out << path << (options.empty() ? "" : " [OPTIONS]");
    for (const auto* positional : positionals) {
        out << " " << (positional->get_required() ? "" : "[") << optionLabel(*positional)
            << (positional->get_required() ? "" : "]");
    }
    const auto subcommands = command.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
    if (!subcommands.empty()) {
        out << (command.get_require_subcommand_min() > 0 ? " COMMAND" : " [COMMAND]");
    }
    // help2man: "name:" then an indented line makes a subsection; the blank line ends the description's paragraph
    // (lines of its indent would continue it).
    out << ":\n  " << command.get_description() << "\n\n";
    for (const auto* option : positionals) {
        describeOption(out, *option);
    }
    for (const auto* option : options) {
        describeOption(out, *option);
    }
    const auto [example, doc] = exampleAndDoc(command.get_footer());
    if (!example.empty()) {
        out << "  $ " << example << "\n";
    }
    if (!doc.empty()) {
        out << "  " << doc << ".\n";
    }
    out << "\n";
    for (const auto* sub : subcommands) {
        describeCommand(out, *sub, path + " " + sub->get_name());
    }
}

std::string slashPath(const std::string& spaced) {
    std::string out = "/";
    for (char c : spaced) {
        out += c == ' ' ? '/' : c;
    }
    return out;
}

}  // namespace

std::string cliReference(const CLI::App& app) {
    std::ostringstream out;
    out << app.get_description() << "\nUsage: " << app.get_name() << " [OPTIONS] COMMAND [ARGS]...\n\nOptions:\n";
    for (const auto* option : app.get_options()) {
        if (!option->get_group().empty()) {
            describeOption(out, *option);
        }
    }
    out << "\nOptions of the program may also follow its command (syncline runs --json). Each command takes\n"
           "-h, --help.\n\n*Commands*\n";
    for (const auto* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
        describeCommand(out, *sub, app.get_name() + " " + sub->get_name());
    }
    return out.str();
}

std::string bashCompletion(const CLI::App& app, const CompletionHints& hints) {
    std::vector<CommandWords> commands;
    std::set<std::string> with_value;
    collect(app, "", {}, commands, with_value);
    std::map<std::string, std::string> positionals;
    for (const auto& [path, values] : hints.positional_values) {
        positionals[slashPath(path)] = values;
    }

    std::ostringstream out;
    out << "# bash completion for syncline, written by `syncline completion bash` from the commands and options this\n"
           "# binary accepts. The package installs it as /usr/share/bash-completion/completions/syncline; without\n"
           "# the package: source <(syncline completion bash)\n"
           "_syncline() {\n"
           "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" path=\"\" word i skip=0\n"
           "    ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD - 1]}\"\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        word=\"${COMP_WORDS[i]}\"\n"
           "        if ((skip)); then\n"
           "            skip=0\n"
           "            continue\n"
           "        fi\n"
           "        case \"$word\" in\n"
           "            "
        <<
        [&] {
            std::string patterns;
            for (const auto& name : with_value) {
                patterns += (patterns.empty() ? "" : "|") + name;
            }
            return patterns;
        }()
        << ") skip=1; continue ;;\n"
           "        esac\n"
           "        case \"$path/$word\" in\n";
    for (const auto& command : commands) {
        if (!command.path.empty()) {
            out << "            \"" << command.path << "\") path=\"" << command.path << "\" ;;\n";
        }
    }
    out << "        esac\n"
           "    done\n"
           "    case \"$prev\" in\n";
    for (const auto& name : with_value) {
        const auto hint = hints.option_values.find(name);
        if (hint == hints.option_values.end()) {
            out << "        " << name << ") COMPREPLY=(); return ;;\n";
        } else if (hint->second == kCompleteFiles) {
            out << "        " << name << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
        } else {
            out << "        " << name << ") COMPREPLY=($(compgen -W \"" << hint->second
                << "\" -- \"$cur\")); return ;;\n";
        }
    }
    out << "    esac\n"
           "    local commands=\"\" options=\"\" values=\"\"\n"
           "    case \"$path\" in\n";
    for (const auto& command : commands) {
        const auto values = positionals.find(command.path.empty() ? "/" : command.path);
        out << "        \"" << command.path << "\")\n"
            << "            commands=\"" << join(command.commands) << "\"\n"
            << "            options=\"" << join(command.options) << "\"\n";
        if (values != positionals.end()) {
            out << "            values=\"" << values->second << "\"\n";
        }
        out << "            ;;\n";
    }
    out << "    esac\n"
           "    if [[ \"$cur\" == -* ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
           "    elif [[ \"$values\" == \""
        << kCompleteFiles
        << "\" ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n"
           "    else\n"
           "        COMPREPLY=($(compgen -W \"$commands $values\" -- \"$cur\"))\n"
           "    fi\n"
           "}\n"
           "complete -F _syncline syncline\n";
    return out.str();
}

}  // namespace syncline::app
