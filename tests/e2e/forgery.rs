//! Output that cannot be forged: a file name holding a newline and a GitHub Actions command, and
//! values holding terminal escape sequences, reach no output format raw.

use serde_json::Value;

use crate::cli::{phasegate, temp};

/// The forged annotation a newline in a file name would start a line with.
const FORGED: &str = "::error file=README.md::forged";

/// Characters no line of human output may hold: controls other than the line break, and the
/// bidirectional overrides.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars().filter(|c| (c.is_control() && *c != '\n') || matches!(c, '\u{202e}' | '\u{2066}' | '\u{85}' | '\u{2028}')).collect()
}

#[cfg(unix)]
#[test]
fn file_names_and_values_cannot_forge_output() {
    let tmp = temp();
    let root = tmp.path();
    let name = format!("x\n{FORGED}.state.yaml");
    std::fs::write(root.join(&name), "workflow: \u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}evil\u{85}\ncurrent: a\n")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        root.join("wf.md"),
        "---\nname: real\n---\n## Phase 1: A \u{1b}[31mred\n**Deliverables**:\n- `docs/\u{1b}[1mx.md`\n\n## Phase 2: B\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(root.join("run.state.yaml"), "workflow: real\ncurrent: b\n").unwrap_or_else(|e| panic!("{e}"));

    // Human: escaped, so no line starts with the forged command and no escape sequence remains.
    let human = phasegate(root, &["check"]);
    human.assert_no_panic("check");
    assert!(human.stdout.contains("x\\n::error file=README.md::forged.state.yaml:1:11: error[unknown-state]"), "{}", human.stdout);
    assert!(human.stdout.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{202e}evil\\u{85}"), "{}", human.stdout);
    for line in human.stdout.lines().chain(human.stderr.lines()) {
        assert!(!line.starts_with("::"), "forged line: {line:?}");
        assert_eq!(raw_controls(line), Vec::<char>::new(), "{line:?}");
    }
    // The caret stays under the token in the escaped source line.
    let source = human.stdout.lines().find(|l| l.starts_with("1 | workflow: ")).unwrap_or_else(|| panic!("{}", human.stdout));
    let carets = human.stdout.lines().skip_while(|l| *l != source).nth(1).unwrap_or("");
    let at = carets.find('^').unwrap_or(0);
    assert_eq!(&source[at..at + 6], "\\u{1b}", "{source}\n{carets}");

    // JSON: exact for a JSON reader, inert on a terminal.
    let json = phasegate(root, &["check", "--format", "json"]);
    assert_eq!(raw_controls(&json.stdout), Vec::<char>::new(), "{:?}", json.stdout);
    let v: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<&str> = v["diagnostics"].as_array().into_iter().flatten().filter_map(|d| d["path"].as_str()).collect();
    assert!(paths.contains(&name.as_str()), "{paths:?}");

    // SARIF: the URI percent-encoded, the message text escaped, the JSON inert.
    let sarif = phasegate(root, &["check", "--format", "sarif"]);
    assert_eq!(raw_controls(&sarif.stdout), Vec::<char>::new(), "{:?}", sarif.stdout);
    let v: Value = serde_json::from_str(&sarif.stdout).unwrap_or_else(|e| panic!("{e}"));
    let results = v["runs"][0]["results"].as_array().cloned().unwrap_or_default();
    let uris: Vec<&str> =
        results.iter().filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()).collect();
    assert!(uris.contains(&"./x%0A::error%20file=README.md::forged.state.yaml"), "{uris:?}");
    for r in &results {
        let text = r["message"]["text"].as_str().unwrap_or("");
        assert_eq!(raw_controls(text), Vec::<char>::new(), "{text:?}");
    }

    // Status, human and JSON.
    for args in [&["status"][..], &["status", "--format", "json"]] {
        let out = phasegate(root, args);
        for line in out.stdout.lines() {
            assert_eq!(raw_controls(line), Vec::<char>::new(), "{args:?}: {line:?}");
        }
    }
    // Refusals and dry-run diffs carry document values too.
    let c = root.to_str().unwrap_or_else(|| panic!("UTF-8 temp path"));
    for args in [&["scaffold", "real", "--phase", "1", "--dry-run", "-C", c][..], &["advance", "real", "-C", c]] {
        let out = phasegate(root, args);
        out.assert_no_panic("write");
        for line in out.stdout.lines().chain(out.stderr.lines()) {
            assert_eq!(raw_controls(line), Vec::<char>::new(), "{args:?}: {line:?}");
        }
    }
}
