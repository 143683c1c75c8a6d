// QuestionTemplateEditor: the form's template editor, a Templates menu and the rendered line.
#include "ui/question_template.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>

#include "ui/config_form.h"

namespace mmupt::ui {

namespace {
const QString kTemplateKey = QStringLiteral("data.image_folder_template");
const QString kFormatKey = QStringLiteral("data.format_prompt");
}  // namespace

const std::vector<std::pair<QString, QString>>& questionTemplates() {
    static const std::vector<std::pair<QString, QString>> templates = {
        {QObject::tr("Solve the problem (default)"), "Solve the problem shown in the image."},
        {QObject::tr("Count objects"), "How many objects are in the image? Count them one by one."},
        {QObject::tr("Describe, then answer"),
         "First describe what the image shows, then answer the question it asks and put the "
         "final answer within \\boxed{}."},
        {QObject::tr("Name the main object"), "What is the main object in the image?"},
    };
    return templates;
}

QString renderPrompt(const QString& question, const QString& formatPrompt,
                     const QString& imageName) {
    QString q = question;
    if (!imageName.isEmpty())
        q.replace("{name}", imageName).replace("{stem}", QFileInfo(imageName).completeBaseName());
    return formatPrompt.isEmpty() ? q : q + " " + formatPrompt;
}

QuestionTemplateEditor::QuestionTemplateEditor(ConfigForm* form, QWidget* parent)
    : QWidget(parent), m_form(form) {
    setObjectName("questionTemplate");
    m_editorRow = new QWidget(this);
    auto* row = new QHBoxLayout(m_editorRow);
    row->setContentsMargins(0, 0, 0, 0);
    QWidget* editor = form->createEditor(kTemplateKey, m_editorRow);
    editor->setToolTip(
        tr("The question asked about every image of the folder; {name} and "
           "{stem} stand for the file name. The output format instruction "
           "(data.format_prompt) is appended."));
    auto* presets = new QToolButton(m_editorRow);
    presets->setObjectName("questionTemplates");
    presets->setText(tr("Templates"));
    presets->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(presets);
    for (const auto& [title, text] : questionTemplates()) {
        QString t = text;
        menu->addAction(title, this, [this, t] { m_form->setValue(kTemplateKey, t); })
            ->setToolTip(t);
    }
    menu->setToolTipsVisible(true);
    presets->setMenu(menu);
    row->addWidget(editor, 1);
    row->addWidget(presets);

    m_preview = new QLabel(this);
    m_preview->setObjectName("promptPreview");
    m_preview->setWordWrap(true);
    m_preview->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_preview->setTextFormat(Qt::RichText);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_editorRow);
    layout->addWidget(m_preview);
    connect(form, &ConfigForm::valueChanged, this, [this](const QString& key) {
        if (key == kTemplateKey || key == kFormatKey) refresh();
    });
    showNothing();
}

void QuestionTemplateEditor::showImageFolder(const QString& firstImageName) {
    m_mode = Mode::folder;
    m_imageName = firstImageName;
    m_question.clear();
    refresh();
}

void QuestionTemplateEditor::showRecords(const QString& firstQuestion, const QString& imageName) {
    m_mode = Mode::records;
    m_imageName = imageName;
    m_question = firstQuestion;
    refresh();
}

void QuestionTemplateEditor::showNothing() {
    m_mode = Mode::none;
    m_imageName.clear();
    m_question.clear();
    refresh();
}

QString QuestionTemplateEditor::previewText() const {
    const QString format = m_form->value(kFormatKey);
    if (m_mode == Mode::folder)
        return renderPrompt(m_form->value(kTemplateKey), format, m_imageName);
    if (m_mode == Mode::records) return renderPrompt(m_question, format);
    return {};
}

void QuestionTemplateEditor::refresh() {
    m_editorRow->setVisible(m_mode == Mode::folder);
    const QString image = m_imageName.isEmpty()
                              ? QString()
                              : tr("[image %1] ").arg(QFileInfo(m_imageName).fileName());
    m_preview->setText(tr("<span style='color:#888888'>The model will see (in its chat "
                          "template):</span> %1<i>%2</i>")
                           .arg(image.toHtmlEscaped(), previewText().toHtmlEscaped()));
}

}  // namespace mmupt::ui
