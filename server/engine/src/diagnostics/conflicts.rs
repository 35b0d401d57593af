//! Diagnostic: `merge-conflict`.

use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;

pub(crate) const DOC: Doc = Doc {
    code: Code::MergeConflict,
    severity: Severity::Error,
    when: "A file holds git conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`), like seed 000. Reported once per conflict, on its `<<<<<<<` line. Until it is resolved, phasegate analyses the file as if the first side had been kept.",
    fix: "Use the quick fix \"Keep <side>\" to keep one side and drop the markers, or resolve it by hand.",
};

pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    {
        for c in &file.conflicts {
            let ours = if c.ours_label.is_empty() { "the first side" } else { &c.ours_label };
            let theirs = if c.theirs_label.is_empty() { "the second side" } else { &c.theirs_label };
            let text = file.text();
            let separator = text[c.ours.end.min(text.len())..c.theirs.start.min(text.len())].find("=======").map(|i| c.ours.end + i);
            let mut d = Diagnostic::new(
                Code::MergeConflict,
                Severity::Error,
                &file.path,
                c.start_marker,
                format!(
                    "unresolved merge conflict between `{ours}` and `{theirs}`: keep one side and remove the markers (phasegate reads `{ours}` meanwhile)"
                ),
            );
            if let Some(sep) = separator {
                d = d.with_related(&file.path, crate::text::TextRange::new(sep, sep + 7), "the sides split here");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use expect_test::expect;

    #[test]
    fn conflict_is_reported_once_and_the_first_side_is_analysed() {
        let out = check("//- wf.md\n<<<<<<< HEAD\n## Phase 1: Design\n=======\n## Phase 1: Design\n>>>>>>> a756d8e (feat: x)\n", &[]);
        expect![[r#"
            wf.md:1:1: error[merge-conflict]: unresolved merge conflict between `HEAD` and `a756d8e (feat: x)`: keep one side and remove the markers (phasegate reads `HEAD` meanwhile)
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn markers_shown_in_code_are_no_conflict() {
        assert_eq!(check("//- a.md\n```\n<<<<<<< HEAD\n=======\n>>>>>>> x\n```\n", &[]), "");
    }
}
