// NFC via ICU's Normalizer2 UTF-8 API (ICU >= 60): a quick check first, then normalizeUTF8.
// Deliberately no UTF-16 round trip and no error escapes: ICU failures fall back to the input.
#include "core/tokenizer/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

namespace mmupt {

bool nfc_trivially(std::string_view text) {
    for (char c : text)
        if (static_cast<unsigned char>(c) >= 0xCC) return false;
    return true;
}

void append_nfc(std::string_view text, std::string& out) {
    if (nfc_trivially(text)) {
        out.append(text);
        return;
    }
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
    if (U_SUCCESS(status) && nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
        out.append(text);
        return;
    }
    status = U_ZERO_ERROR;
    std::string normalized;
    icu::StringByteSink<std::string> sink(&normalized, static_cast<int32_t>(text.size()));
    if (nfc) nfc->normalizeUTF8(0, piece, sink, nullptr, status);
    out.append(U_SUCCESS(status) && nfc ? std::string_view(normalized) : text);
}

}  // namespace mmupt
