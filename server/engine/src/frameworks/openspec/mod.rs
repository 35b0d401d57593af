//! OpenSpec (Fission-AI/OpenSpec): `openspec init` creates `openspec/` with `specs/` and `changes/`.

use crate::frameworks::Framework;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "openspec",
    name: "OpenSpec",
    markers: &["openspec/specs", "openspec/changes", "openspec/project.md"],
    definition: None,
    markdown: &[],
    data: &[],
    rules: &[],
    check_file: Framework::no_file_check,
    check: Framework::no_check,
};
