// Vote preview: for each image, its G responses, extracted answers, the vote histogram (majority
// highlighted, a grey "no answer" bar), majority ratio and rewards, before any training. Fed by
// RolloutGroups from Session::preview_votes (image by image, with progress and Cancel) or from a
// samples.jsonl (one step of it). Ties (two answers sharing the largest cluster) are flagged.
#pragma once
#include <QWidget>
#include <functional>
#include <vector>

#include "core/session/session_types.h"

class QListWidget;
class QSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace mmupt::ui {

class GroupDetailView;

class VotePreviewPanel : public QWidget {
    Q_OBJECT
  public:
    using ImageResolver = std::function<QString(const std::string&)>;
    explicit VotePreviewPanel(ImageResolver resolver, QWidget* parent = nullptr);

    void setGroups(const std::vector<RolloutGroup>& groups);
    void addGroups(const std::vector<RolloutGroup>& groups);
    // Loads the groups of one step of a samples.jsonl (the last step when `step` < 0);
    // returns "" or the error.
    QString loadSamplesFile(const QString& path, int step = -1);
    int groupCount() const { return static_cast<int>(m_groups.size()); }
    GroupDetailView* detail() const { return m_detail; }
    void setPreviewEnabled(bool enabled, const QString& why = {});
    // Sampling `numImages`: progress bar and Cancel shown; setProgress() as images are voted;
    // finishPreview() with how it ended.
    void startPreview(int numImages);
    void setProgress(double fraction);
    void finishPreview(RunState how, const QString& message = {});
    void setBusy(bool busy);  // startPreview(requested count) / finishPreview(finished)
    bool isBusy() const { return m_busy; }
    QString statusText() const;
    QString itemText(int index) const;  // the list entry of group `index`
    int progressValue() const;          // images voted in the running preview

  signals:
    void previewRequested(int numImages);
    void cancelRequested();

  private:
    void select(int index);
    ImageResolver m_resolver;
    std::vector<RolloutGroup> m_groups;
    QListWidget* m_list;
    GroupDetailView* m_detail;
    QSpinBox* m_count;
    QPushButton* m_preview;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    bool m_busy = false;
    int m_requested = 0;
};

}  // namespace mmupt::ui
