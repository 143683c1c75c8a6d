// thumbnail(): QImageReader with scaled decoding, QPixmapCache keyed by path and size.
#include "ui/image_cache.h"

#include <QImageReader>
#include <QPainter>
#include <QPixmapCache>

namespace mmupt::ui {

QPixmap thumbnail(const QString& path, int size) {
    QString key = QStringLiteral("thumb:%1:%2").arg(size).arg(path);
    QPixmap pm;
    if (QPixmapCache::find(key, &pm)) return pm;
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QSize original = reader.size();
    if (original.isValid()) reader.setScaledSize(original.scaled(size, size, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        pm = QPixmap(size, size);
        pm.fill(QColor(0xb0, 0xb0, 0xb0));
        QPainter p(&pm);
        p.setPen(Qt::white);
        p.drawText(pm.rect(), Qt::AlignCenter | Qt::TextWordWrap, QObject::tr("no image"));
    } else {
        pm = QPixmap::fromImage(image);
    }
    QPixmapCache::insert(key, pm);
    return pm;
}

}  // namespace mmupt::ui
