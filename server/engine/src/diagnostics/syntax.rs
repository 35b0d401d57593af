//! Diagnostic: `syntax-error`, and `file-skipped` for files whose content cannot be analysed.

use crate::analysis::skipped_reason;
use crate::diagnostics::{Code, Diagnostic, Doc, Severity};
use crate::facts::FileFacts;
use crate::text::TextRange;

pub(crate) const DOC: Doc = Doc {
    code: Code::SyntaxError,
    severity: Severity::Error,
    when: "A YAML or JSON file that phasegate reads (state file, definition, checks file) does not parse, or the YAML front matter of any Markdown file does not (agent commands, prompts and workflow steps are loaded by tools that read it), including front matter whose closing `---` line is missing (an opening `---` followed by `key: value` lines and no closer); or a workflow definition has the wrong shape (a phase without `id`, an unknown gate criterion). The range is the parser's position.",
    fix: "Correct the file at the position shown; the message is the parser's.",
};

pub(crate) const DOC_SKIPPED: Doc = Doc {
    code: Code::FileSkipped,
    severity: Severity::Warning,
    when: "A Markdown, YAML or JSON file could not be read as text: it is not valid UTF-8, looks binary (NUL bytes), or is larger than 8 MiB. It still counts as present for deliverable checks.",
    fix: "Save the file as UTF-8, or exclude it with the `exclude` setting.",
};

pub(crate) const DOC_CONFIG: Doc = Doc {
    code: Code::InvalidConfig,
    severity: Severity::Error,
    when: "The project's `phasegate.toml` (docs/projects.md) does not parse, holds an unknown key or a value of the wrong type (then none of its settings apply), or names an unknown diagnostic code, severity or framework (then that entry is ignored).",
    fix: "Correct the file at the position shown; docs/projects.md lists its keys.",
};

pub(crate) fn check_file(file: &FileFacts, out: &mut Vec<Diagnostic>) {
    if let Some((_, problems)) = file.config.as_deref() {
        for p in problems {
            out.push(Code::InvalidConfig.rule().at(&file.path, p.range, format!("phasegate.toml: {}", p.message)));
        }
    }
    {
        for e in &file.syntax_errors {
            let what = match file.kind {
                crate::facts::FileKind::Json => "JSON",
                _ => "YAML",
            };
            out.push(Diagnostic::new(Code::SyntaxError, Severity::Error, &file.path, e.range, format!("{what}: {}", e.message)));
        }
        if let Some(s) = &file.skipped {
            let at = match s {
                crate::facts::Skipped::NotUtf8 { at } => *at,
                _ => 0,
            };
            out.push(Diagnostic::new(
                Code::FileSkipped,
                Severity::Warning,
                &file.path,
                TextRange::empty(at),
                format!("`{}` {}; phasegate skipped its content", file.path, skipped_reason(s)),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::fixture::check;
    use crate::facts::FileInput;
    use crate::workspace::Workspace;
    use expect_test::expect;

    #[test]
    fn malformed_yaml_json_and_front_matter() {
        let out = check(
            "//- state.yaml\nworkflow: a\ncurrent: [b\n//- s.json\n{\"orchestrator_name\": 1,}\n//- doc.md\n---\nname: [x\n---\n# T\n",
            &["syntax-error"],
        );
        expect![[r#"
            doc.md:3:1: error[syntax-error]: YAML: while parsing a flow sequence, expected ',' or ']'
            s.json:1:24: error[syntax-error]: JSON: Trailing commas are not allowed
            state.yaml:3:1: error[syntax-error]: YAML: while parsing a flow sequence, expected ',' or ']'
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn valid_files_have_no_syntax_error() {
        assert_eq!(check("//- a.yaml\nworkflow: a\ncurrent: b\n//- b.json\n{\"a\": [1, 2]}\n", &["syntax-error", "file-skipped"]), "");
    }

    #[test]
    fn only_phasegate_data_files_and_markdown_front_matter_are_judged() {
        let spec = "//- .devcontainer/devcontainer.json\n{ // JSONC, not ours\n \"name\": \"x\", }\n//- run.state.json\n{\"workflow\": \"a\", // no comments in JSON\n \"current\": \"b\"}\n//- notes.md\n---\nsources:\n  - {x}/prd.md\n---\n# Notes\n//- wf.md\n---\nname: [x\n---\n## Phase 1: A\n//- def.md\n---\nphases: [a\n---\n# Def\n";
        expect![[r#"
            def.md:3:1: error[syntax-error]: YAML: while parsing a flow sequence, expected ',' or ']'
            notes.md:3:8: error[syntax-error]: YAML: while parsing a block collection, did not find expected '-' indicator
            run.state.json:1:19: error[syntax-error]: JSON: Comments are not allowed
            wf.md:3:1: error[syntax-error]: YAML: while parsing a flow sequence, expected ',' or ']'
        "#]]
        .assert_eq(&check(spec, &["syntax-error"]));
    }

    #[test]
    fn front_matter_flow_collections_closed_left_of_their_key_are_accepted() {
        // YAML readers accept it; saphyr-parser 0.3.4 does not (fixed upstream, unreleased).
        let spec = "//- .claude/agents/upgrade.md\n---\nname: upgrade\nservers:\n  tools:\n    args: [\n      'a',\n      'b'\n    ]\n---\nText.\n";
        assert_eq!(check(spec, &["syntax-error"]), "");
    }

    #[test]
    fn unreadable_files_are_skipped_with_a_warning() {
        let mut ws = Workspace::new();
        ws.set_file("bad.md", FileInput::Bytes(b"# Phase 1: A\n\xff\xfe".to_vec()));
        ws.set_file("bin.md", FileInput::Bytes(b"\x00\x01\x02".to_vec()));
        ws.set_file("big.md", FileInput::Bytes(vec![b'a'; crate::facts::MAX_TEXT_BYTES + 1]));
        ws.set_file("image.png", FileInput::Bytes(b"\x00\x01".to_vec()));
        expect![[r#"
            bad.md:2:1: warning[file-skipped]: `bad.md` is not valid UTF-8 (first bad byte at offset 13); phasegate skipped its content
            big.md:1:1: warning[file-skipped]: `big.md` is 8.0 MiB, over the 8 MiB limit for analysis; phasegate skipped its content
            bin.md:1:1: warning[file-skipped]: `bin.md` looks binary (it holds NUL bytes); phasegate skipped its content
        "#]]
        .assert_eq(&crate::diagnostics::fixture::render(&ws, &[]));
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_read_as_text() {
        let utf16 = |little: bool, text: &str| {
            let mut bytes = if little { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
            for u in text.encode_utf16() {
                bytes.extend(if little { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            bytes
        };
        let mut ws = Workspace::new();
        let doc = "# Résumé\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> b\n";
        ws.set_file("le.md", FileInput::Bytes(utf16(true, doc)));
        ws.set_file("be.md", FileInput::Bytes(utf16(false, doc)));
        let mut odd = utf16(true, "# A\n");
        odd.push(0);
        ws.set_file("odd.md", FileInput::Bytes(odd));
        ws.set_file("lone.md", FileInput::Bytes(vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]));
        expect![[r#"
            be.md:2:1: error[merge-conflict]: unresolved merge conflict between `HEAD` and `b`: keep one side and remove the markers (phasegate reads `HEAD` meanwhile)
            le.md:2:1: error[merge-conflict]: unresolved merge conflict between `HEAD` and `b`: keep one side and remove the markers (phasegate reads `HEAD` meanwhile)
            lone.md:1:1: warning[file-skipped]: `lone.md` starts with a UTF-16 byte-order mark but is not valid UTF-16; phasegate skipped its content
            odd.md:1:1: warning[file-skipped]: `odd.md` starts with a UTF-16 byte-order mark but is not valid UTF-16; phasegate skipped its content
        "#]]
        .assert_eq(&crate::diagnostics::fixture::render(&ws, &[]));
    }
}
