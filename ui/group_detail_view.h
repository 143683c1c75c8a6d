// The detail of one rollout group: the image, the question, the vote histogram, majority ratio
// and label, and every response in full with its boxed answer highlighted, its reward and
// length; responses whose boxed answer contradicts their own reasoning are marked (⚠, red, a
// hover explanation). Used by Live samples and by the Vote preview. Display only.
#pragma once
#include <QWidget>

#include "core/session/session_types.h"

class QLabel;
class QTextBrowser;
class QUrl;

namespace mmupt::ui {

class VoteHistogram;

class GroupDetailView : public QWidget {
    Q_OBJECT
  public:
    explicit GroupDetailView(QWidget* parent = nullptr);
    // `imagePath` is the resolved path of group.image_path.
    void setGroup(const RolloutGroup& group, const QString& imagePath);
    void clear();
    QString responsesHtml() const;
    // The explanation shown when hovering a mark in the responses ("" for other links).
    static QString markTooltip(const QUrl& url);
    const VoteHistogram* histogram() const { return m_histogram; }

  private:
    QLabel* m_image;
    QLabel* m_title;
    QLabel* m_question;
    QLabel* m_summary;
    VoteHistogram* m_histogram;
    QTextBrowser* m_responses;
};

}  // namespace mmupt::ui
