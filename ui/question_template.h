// The question the model is asked, shown where the dataset is picked: for an image folder the
// editable data.image_folder_template with a few ready templates, and for every dataset a live
// "The model will see: …" line rendered from the first example, the template or record question
// and data.format_prompt, the way core/data/image_folder.cpp and the prompt builder join them.
// Not the chat template: the facade does not expose it, so the line says the turn is wrapped.
#pragma once
#include <QString>
#include <QStringList>
#include <QWidget>
#include <utility>
#include <vector>

class QLabel;

namespace mmupt::ui {

class ConfigForm;

// {title, template}: the engine's default first.
const std::vector<std::pair<QString, QString>>& questionTemplates();

// The user turn for one example: `question` ({name} / {stem} replaced by `imageName` for an
// image folder) followed by " " + `formatPrompt` when that is not empty.
QString renderPrompt(const QString& question, const QString& formatPrompt,
                     const QString& imageName = {});

class QuestionTemplateEditor : public QWidget {
    Q_OBJECT
  public:
    // Binds to `form`'s data.image_folder_template and data.format_prompt; not owned.
    explicit QuestionTemplateEditor(ConfigForm* form, QWidget* parent = nullptr);

    // An image folder (first image file name) shows the template editor; a record file shows
    // its first question (`imageName` may be "") and hides it; no dataset shows nothing.
    void showImageFolder(const QString& firstImageName);
    void showRecords(const QString& firstQuestion, const QString& imageName);
    void showNothing();
    QString previewText() const;  // the plain text after "The model will see:"
    bool isImageFolder() const { return m_mode == Mode::folder; }
    bool isEmpty() const { return m_mode == Mode::none; }
    QLabel* previewLabel() const { return m_preview; }

  private:
    void refresh();

    ConfigForm* m_form;
    QWidget* m_editorRow;
    QLabel* m_preview;
    enum class Mode { none, folder, records } m_mode = Mode::none;
    QString m_imageName, m_question;
};

}  // namespace mmupt::ui
