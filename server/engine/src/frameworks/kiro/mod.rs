//! Kiro (kirodotdev/Kiro): the IDE keeps specs under `.kiro/specs/<feature>/` and steering under `.kiro/steering/`.

use crate::frameworks::Framework;

/// The framework's registry entry.
pub(crate) static FRAMEWORK: Framework = Framework {
    id: "kiro",
    name: "Kiro",
    markers: &[".kiro"],
    definition: None,
    markdown: &[],
    data: &[],
    rules: &[],
    check_file: Framework::no_file_check,
    check: Framework::no_check,
};
