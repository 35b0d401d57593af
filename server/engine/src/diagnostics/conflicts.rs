//! Diagnostic: `merge-conflict`.

use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;
use crate::syntax::conflict::Closer;

pub(crate) const DOC: Doc = Doc {
    code: Code::MergeConflict,
    severity: Severity::Error,
    when: "A file holds git conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`), like seed 000, or the remnants of a conflict: a `<<<<<<<` line followed by a `=======` line whose `>>>>>>>` line is missing or was rewritten by a Markdown formatter as a nested block quote (`> > > > > > > Stashed changes`). Reported once per conflict, on its `<<<<<<<` line. Until it is resolved, phasegate analyses the file as if the first side had been kept (without a closer, up to the next `<<<<<<<` line or the end of the file).",
    fix: "Use the quick fix \"Keep <side>\" to keep one side and drop the markers, or resolve it by hand (always by hand when the closer is missing: where the second side ends is unknown).",
};

pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    {
        for c in &file.conflicts {
            let shown = |label: &str, unnamed: &str| if label.is_empty() { unnamed.to_string() } else { format!("`{label}`") };
            let ours = shown(&c.ours_label, "the first side");
            let theirs = shown(&c.theirs_label, "the second side");
            let text = file.text();
            let remnant = match c.closer {
                Closer::Marker => "",
                Closer::Mangled => " (its `>>>>>>>` line was reformatted as `> > > > > > >`)",
                Closer::Missing => " (its `>>>>>>>` line is missing)",
            };
            let separator = text[c.ours.end.min(text.len())..c.theirs.start.min(text.len())].find("=======").map(|i| c.ours.end + i);
            let mut d = Diagnostic::new(
                Code::MergeConflict,
                Severity::Error,
                &file.path,
                c.start_marker,
                format!(
                    "unresolved merge conflict between {ours} and {theirs}{remnant}: keep one side and remove the markers (phasegate reads {ours} meanwhile)"
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
    fn remnants_with_a_reformatted_or_missing_closer_are_reported() {
        let out = check(
            "//- a.md\n<<<<<<< Updated upstream\n## Phase 1: Plan\n=======\n## Phase 1: Design\n> > > > > > > Stashed changes\n## Phase 2: Build\n//- b.md\n# Notes\n<<<<<<< HEAD\nkeep\n=======\ndrop\n",
            &[],
        );
        expect![[r#"
            a.md:1:1: error[merge-conflict]: unresolved merge conflict between `Updated upstream` and `Stashed changes` (its `>>>>>>>` line was reformatted as `> > > > > > >`): keep one side and remove the markers (phasegate reads `Updated upstream` meanwhile)
            b.md:2:1: error[merge-conflict]: unresolved merge conflict between `HEAD` and the second side (its `>>>>>>>` line is missing): keep one side and remove the markers (phasegate reads `HEAD` meanwhile)
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn an_opener_without_separator_is_prose() {
        assert_eq!(check("//- a.md\nGit writes a line like\n<<<<<<< HEAD\nbefore the first side.\n", &[]), "");
    }

    #[test]
    fn markers_shown_in_code_are_no_conflict() {
        assert_eq!(check("//- a.md\n```\n<<<<<<< HEAD\n=======\n>>>>>>> x\n```\n", &[]), "");
    }
}
