//! BMAD Method (bmad-code-org/BMAD-METHOD): the installer writes `_bmad/` (v6) or `.bmad-core/` (v4).

use crate::frameworks::Framework;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "bmad",
    name: "BMAD Method",
    markers: &["_bmad", ".bmad-core"],
    definition: None,
    markdown: &[],
    data: &[],
    rules: &[],
    check_file: Framework::no_file_check,
    check: Framework::no_check,
};
