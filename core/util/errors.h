// The exception family core throws. Each message names the file / field / tensor, the offending
// value and what to try next; mains and the UI bridge catch mmupt::Error in one place.
// Expected outcomes (a skipped corrupt image, end of data) are values, never exceptions.
#pragma once
#include <stdexcept>
#include <string>

namespace mmupt {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class ConfigError : public Error {  // bad config key / value / range
  public:
    using Error::Error;
};
class DataError : public Error {  // malformed dataset line, undecodable image, bad JSON input
  public:
    using Error::Error;
};
class FormatError : public Error {  // malformed safetensors / tokenizer / model directory files
  public:
    using Error::Error;
};
class ModelError : public Error {  // wrong architecture, missing or mis-shaped weight, NaN
  public:
    using Error::Error;
};
class CheckpointError : public Error {  // unreadable / incomplete checkpoint, failed write
  public:
    using Error::Error;
};

}  // namespace mmupt
