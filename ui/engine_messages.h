// Engine error text in GUI words: the engine and CLI share their messages, which sometimes end in
// command-line advice (`mmupt train --resume DIR`, `mmupt config --docs`). The studio shows what
// to click instead. Pure text; the rest of the message is kept as the engine wrote it.
#pragma once
#include <QString>

namespace mmupt::ui {

// `message` with every CLI hint replaced by the GUI's way to do the same thing.
QString guiEngineMessage(const QString& message);

}  // namespace mmupt::ui
