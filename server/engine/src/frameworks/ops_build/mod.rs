//! The `.ops/build` spec-driven layout of seed 002 (and gabeborges/claude-sdd-bootstrap).

use crate::frameworks::Framework;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "ops-build",
    name: ".ops/build SDD",
    markers: &[".ops/build"],
    definition: None,
    markdown: &[],
    data: &[],
    rules: &[],
    check_file: Framework::no_file_check,
    check: Framework::no_check,
};
