//! Spec Kit (github/spec-kit): `specify init` creates `.specify/` (memory, scripts, templates); each feature is a folder `specs/NNN-name/`.

use crate::frameworks::Framework;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "speckit",
    name: "Spec Kit",
    markers: &[".specify"],
    definition: None,
    markdown: &[],
    data: &[],
    rules: &[],
    check_file: Framework::no_file_check,
    check: Framework::no_check,
};
