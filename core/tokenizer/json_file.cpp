// File and JSON reading with errors that name the file and say what to check.
// Deliberately no memory mapping: the largest input (tokenizer.json) is about 7 MB.
#include "core/tokenizer/json_file.h"

#include <fstream>
#include <sstream>

#include "core/util/errors.h"

namespace mmupt {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FormatError(path + ": cannot open the file (check the tokenizer directory path)");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw FormatError(path + ": read error");
    return ss.str();
}

nlohmann::json read_json_file(const std::string& path) {
    const std::string text = read_text_file(path);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw FormatError(path + ": malformed JSON at byte " + std::to_string(e.byte) + " (" +
                          e.what() + "); re-download the file");
    }
}

}  // namespace mmupt
