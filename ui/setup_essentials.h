// The handful of settings people change on the Run setup panel (reward, G, temperature, steps,
// learning rate, LoRA), as data: a table of {key, label}, filtered by the keys the schema has,
// so a key added to the schema (model.lora.enabled / model.lora.rank) appears without code here.
// Everything else lives in All settings… (advanced_settings_dialog.h).
#pragma once
#include <QString>
#include <QStringList>
#include <vector>

class QWidget;

namespace mmupt::ui {

class ConfigForm;

struct EssentialField {
    QString key;    // "rollout.n"
    QString label;  // "Answers per image (G)"
};

// The table's entries whose key is in the schema, in display order.
std::vector<EssentialField> essentialFields();
// Every key the panel edits itself (pickers, question, output, essentials): hidden from the
// advanced editor.
QStringList panelKeys();

// A two-column grid of the essentials' labels and editors, bound to `form`.
QWidget* buildEssentials(ConfigForm* form, QWidget* parent);

}  // namespace mmupt::ui
