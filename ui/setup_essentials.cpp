// essentialFields / buildEssentials: the table and its grid.
#include "ui/setup_essentials.h"

#include <QGridLayout>
#include <QLabel>
#include <QObject>
#include <QWidget>

#include "ui/config_fields.h"
#include "ui/config_form.h"

namespace mmupt::ui {

std::vector<EssentialField> essentialFields() {
    static const std::vector<EssentialField> table = {
        {"algorithm.reward", QObject::tr("Reward")},
        {"rollout.n", QObject::tr("Answers per image (G)")},
        {"rollout.temperature", QObject::tr("Temperature")},
        {"trainer.max_steps", QObject::tr("Steps (0 = all epochs)")},
        {"optim.lr", QObject::tr("Learning rate")},
        {"model.lora.enabled", QObject::tr("LoRA")},
        {"model.lora.rank", QObject::tr("LoRA rank")},
    };
    std::vector<EssentialField> out;
    for (const EssentialField& e : table)
        for (const ConfigFieldSpec& f : schemaFields())
            if (f.key == e.key) out.push_back(e);
    return out;
}

QStringList panelKeys() {
    QStringList keys{"model.path", "data.train_files", "data.image_folder_template",
                     "trainer.output_dir"};
    for (const EssentialField& e : essentialFields()) keys << e.key;
    return keys;
}

QWidget* buildEssentials(ConfigForm* form, QWidget* parent) {
    auto* box = new QWidget(parent);
    box->setObjectName("essentialSettings");
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(4);
    // One field per row: labels are long enough ("Answers per image (G)") that two columns
    // would not fit the 400-px dock; the editors stay short.
    int row = 0;
    for (const EssentialField& e : essentialFields()) {
        QWidget* editor = form->createEditor(e.key, box);
        grid->addWidget(form->createLabel(e.key, e.label, box), row, 0);
        grid->addWidget(editor, row, 1);
        ++row;
    }
    grid->setColumnStretch(1, 1);
    return box;
}

}  // namespace mmupt::ui
