//! Spec Kit's `.specify/memory/constitution.md`: `speckit-constitution-placeholder`, the
//! template's `[ALL_CAPS]` placeholder tokens left in it.
//!
//! Facts from `templates/constitution-template.md` (its tokens `[PROJECT_NAME]`,
//! `[PRINCIPLE_1_NAME]`, `[RATIFICATION_DATE]`, ...) and `templates/commands/constitution.md`
//! ("Identify every placeholder token of the form `[ALL_CAPS_IDENTIFIER]`", "no bracketed tokens
//! left").

use crate::diagnostics::{Code, Diagnostic, Doc, Rule, Severity};
use crate::facts::FileFacts;
use crate::frameworks::speckit::{code_ranges, html_comments, inside};
use crate::text::TextRange;

/// The constitution's path, project-relative.
pub(crate) const PATH: &str = ".specify/memory/constitution.md";

pub(crate) const CONSTITUTION_PLACEHOLDER: Rule = Rule {
    doc: Doc {
        code: Code::new("speckit-constitution-placeholder"),
        severity: Severity::Warning,
        when: "The project's `.specify/memory/constitution.md` still holds a placeholder token of the constitution template: a bracketed identifier in capitals with an underscore (`[PROJECT_NAME]`, `[PRINCIPLE_1_NAME]`, `[RATIFICATION_DATE]`). Tokens inside HTML comments (the template's examples, the Sync Impact Report), code and inline code, and Markdown links (`[API_KEY](...)`), are not placeholders.",
        fix: "Run `/speckit.constitution` (or write the value by hand) so every placeholder holds the project's own text.",
    },
    framework: Some("speckit"),
    source: "templates/constitution-template.md, templates/commands/constitution.md",
};

/// The placeholder tokens of a text, outside `skip`: `[A_B]`, `[PRINCIPLE_1_NAME]`.
fn placeholders(text: &str, skip: &[&[TextRange]]) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices('[') {
        let inner = &text[at + 1..];
        let len = inner.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')).unwrap_or(inner.len());
        let token = &inner[..len];
        let closes = inner[len..].starts_with(']');
        let end = at + 1 + len + 1;
        let link = bytes.get(end).is_some_and(|b| matches!(b, b'(' | b'[' | b':'));
        if closes
            && !link
            && token.starts_with(|c: char| c.is_ascii_uppercase())
            && token.contains('_')
            && token.chars().any(|c| c.is_ascii_uppercase())
            && !skip.iter().any(|s| inside(s, at))
        {
            out.push(TextRange::new(at, end));
        }
    }
    out
}

/// Per file: placeholder tokens left in the constitution.
pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    let text = super::markdown_view(file);
    if !text.contains('[') {
        return;
    }
    let blocks = crate::syntax::markdown::outline(&text);
    let code = code_ranges(&text, &blocks);
    let comments = html_comments(&text);
    for range in placeholders(&text, &[&code, &comments]) {
        out.push(CONSTITUTION_PLACEHOLDER.at(
            &file.path,
            range,
            format!(
                "`{}` is the constitution template's placeholder: replace it with the project's own text",
                &text[range.start..range.end]
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn placeholders_outside_comments_code_and_links() {
        let spec = "//- .specify/memory/constitution.md\n<!-- Sync Impact Report: replaced [PROJECT_NAME] -->\n# [PROJECT_NAME] Constitution\n<!-- Example: I. Library-First -->\n### [PRINCIPLE_1_NAME]\nUse `[NOT_THIS]` and [API_KEY](docs/keys.md), [TODO], [MUST], [x_y].\n**Version**: 1.0.0 | **Ratified**: [RATIFICATION_DATE]\n```\n[IN_CODE]\n```\n";
        expect![[r#"
            .specify/memory/constitution.md:2:3: warning[speckit-constitution-placeholder]: `[PROJECT_NAME]` is the constitution template's placeholder: replace it with the project's own text
            .specify/memory/constitution.md:4:5: warning[speckit-constitution-placeholder]: `[PRINCIPLE_1_NAME]` is the constitution template's placeholder: replace it with the project's own text
            .specify/memory/constitution.md:6:36: warning[speckit-constitution-placeholder]: `[RATIFICATION_DATE]` is the constitution template's placeholder: replace it with the project's own text
        "#]].assert_eq(&check(spec, &["speckit-constitution-placeholder"]));
    }
}
