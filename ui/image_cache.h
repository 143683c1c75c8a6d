// Thumbnails of dataset / sample images, cached in QPixmapCache by path and size. A missing or
// undecodable image gives a grey placeholder tile (never an error dialog). GUI thread only.
#pragma once
#include <QPixmap>
#include <QString>

namespace mmupt::ui {

QPixmap thumbnail(const QString& path, int size);

}  // namespace mmupt::ui
