// A PNG integrity check run before OpenCV decodes one: chunk framing, the CRC of every critical
// chunk, and the zlib image stream inflated (and discarded) with its size and row filter bytes
// checked. OpenCV hands PNGs to libpng with libpng's default error handler, which prints a raw
// `libpng error: ...` line on stderr before OpenCV reports failure; checking first lets the user
// see one message naming the file instead. Never throws; work is bounded by the header's size.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace mmupt {

// Empty when the PNG is sound as far as libpng's fatal errors go, else why not, e.g. "PNG chunk
// 'IDAT' at byte 57 fails its CRC check (corrupt file)". Ancillary chunks are not judged
// (libpng only warns about them).
std::string png_problem(const uint8_t* data, size_t size);

}  // namespace mmupt
