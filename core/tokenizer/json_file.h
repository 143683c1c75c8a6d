// Reads a JSON file for the tokenizer loaders, turning every failure into mmupt::FormatError
// with the file name: missing or unreadable file, malformed JSON (with the byte offset).
// Deliberately tokenizer-local: other stages have their own config readers.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace mmupt {

std::string read_text_file(const std::string& path);     // throws FormatError
nlohmann::json read_json_file(const std::string& path);  // throws FormatError

}  // namespace mmupt
