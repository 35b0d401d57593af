//! Soak test: the real server over stdio takes thousands of random incremental edits to a
//! workflow doc and its state file (every line break LSP knows and those it does not, surrogate
//! pairs, CRLF and lone CR, NUL, conflict markers, lines that make and break phases, gates,
//! checklists and states), in both position encodings, with pushed and with pulled diagnostics.
//! At checkpoints the server's diagnostics must equal a fresh analysis of the same texts
//! (`phasegate check --format json` on a copy), position for position.
//!
//! `PHASEGATE_SOAK_EDITS` sets the number of edits per configuration (default 1,500: the bounded
//! run `cargo test` makes); `PHASEGATE_SOAK_SEED` the random seed. A longer run's result is in
//! docs/benchmarks.md ("Soak").

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::{phasegate, temp};
use crate::lsp::{Server, file_uri};

/// Edits between two comparisons with a fresh analysis.
const CHECK_EVERY: usize = 50;

fn edits() -> usize {
    std::env::var("PHASEGATE_SOAK_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500)
}

fn seed() -> u64 {
    std::env::var("PHASEGATE_SOAK_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_cafe_f00d_d00d)
}

/// xorshift64*: deterministic for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// What random edits insert: characters that break lines for LSP or only for others, every UTF-8
/// and UTF-16 length, and the lines that make and break workflow facts.
const FRAGMENTS: &[&str] = &[
    "a",
    " ",
    "x y",
    "é",
    "€",
    "😀",
    "𝄞",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\u{b}",
    "\u{c}",
    "\t",
    "\u{0}",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "<<<<<<< HEAD\n",
    "=======\n",
    ">>>>>>> feature\n",
    "\n## Phase 3: Review\n",
    "## Phase 1: Design\n",
    "**Gate Check**: ok → Proceed to Phase 2\n",
    " → Proceed to Phase 9",
    "**Deliverables**:\n- `docs/a.md`\n- `docs/missing.md`\n",
    "- [ ] item\n",
    "- [x] done\n",
    "Before starting build, orchestrator MUST verify:\n- [ ] checked\n",
    "States:\n- draft\n- done\n\nTransitions:\n- draft → done\n",
    "TBD",
    "current: design\n",
    "current: build\n",
    "current: nowhere\n",
    "workflow: soak\n",
    "history:\n  - {from: design, to: build, at: 2026-01-01T00:00:00Z}\n",
    "status: completed\n",
    ": [",
    "---\n",
];

const WORKFLOW: &str = "---\nname: soak\n---\n# Soak — café 🚀\n\n## Phase 1: Design\n**Deliverables**:\n- `docs/a.md`\n- `docs/missing.md`\n\n**Gate Check**: design done → Proceed to Phase 2\n\nBefore starting build, orchestrator MUST verify:\n- [ ] design reviewed\n\n## Phase 2: Build\n**Deliverables**:\n- `docs/build.md`\n\n## Phase 3: Release\n";
const STATE: &str = "workflow: soak\ncurrent: build\nhistory:\n  - {from: design, to: build, at: 2026-01-01T00:00:00Z}\n";
const DOCS: [&str; 2] = ["wf.md", "run.state.yaml"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Encoding {
    Utf8,
    Utf16,
}

/// The LSP position of byte `offset` in `text`: lines end at `\n`, `\r\n` and `\r`; between the
/// `\r` and `\n` of a pair is the end of the line. An implementation of its own, independent of
/// the server's.
fn to_lsp(text: &str, offset: usize, encoding: Encoding) -> (u32, u32) {
    let (mut line, mut column) = (0u32, 0u32);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= offset {
            break;
        }
        let crlf = c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n');
        if c == '\n' || (c == '\r' && !crlf) {
            line += 1;
            column = 0;
        } else if !crlf {
            column += match encoding {
                Encoding::Utf8 => c.len_utf8() as u32,
                Encoding::Utf16 => c.len_utf16() as u32,
            };
        }
    }
    (line, column)
}

/// The byte offset of an LSP position, clamped as LSP says: past the end of a line is its end.
fn from_lsp(text: &str, (line, column): (u32, u32), encoding: Encoding) -> usize {
    let bytes = text.as_bytes();
    let mut at = 0;
    for _ in 0..line {
        match bytes[at..].iter().position(|b| *b == b'\n' || *b == b'\r') {
            Some(i) => {
                at += i + if bytes[at + i] == b'\r' && bytes.get(at + i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            None => return text.len(),
        }
    }
    let mut units = 0u32;
    for (i, c) in text[at..].char_indices() {
        if units >= column || c == '\n' || c == '\r' {
            return at + i;
        }
        units += match encoding {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    text.len()
}

/// A random character boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One comparable diagnostic: code, severity, message and range in the session's encoding.
type Item = (String, String, String, [u32; 4]);

fn severity_name(n: &Value) -> String {
    match n.as_u64() {
        Some(1) => "error",
        Some(2) => "warning",
        Some(3) => "information",
        Some(4) => "hint",
        _ => "?",
    }
    .to_string()
}

fn lsp_items(diags: &[Value]) -> Vec<Item> {
    let mut out: Vec<Item> = diags
        .iter()
        .map(|d| {
            let r = &d["range"];
            let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX) as u32;
            (
                d["code"].as_str().unwrap_or("").to_string(),
                severity_name(&d["severity"]),
                d["message"].as_str().unwrap_or("").to_string(),
                [n(&r["start"]["line"]), n(&r["start"]["character"]), n(&r["end"]["line"]), n(&r["end"]["character"])],
            )
        })
        .collect();
    out.sort();
    out
}

/// A fresh analysis of `files` by the CLI, by path, converted to `encoding`.
fn fresh(files: &BTreeMap<String, String>, encoding: Encoding) -> BTreeMap<String, Vec<Item>> {
    let dir = temp();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }
    let out = phasegate(dir.path(), &["check", "--format", "json"]);
    out.assert_no_panic("fresh check");
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let mut by_path: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for d in v["diagnostics"].as_array().into_iter().flatten() {
        let path = d["path"].as_str().unwrap_or("").to_string();
        let text = files.get(&path).map(String::as_str).unwrap_or("");
        let pos = |p: &Value| {
            let lsp = (p["line"].as_u64().unwrap_or(0) as u32, p["character"].as_u64().unwrap_or(0) as u32);
            to_lsp(text, from_lsp(text, lsp, Encoding::Utf16), encoding)
        };
        let (s, e) = (pos(&d["range"]["start"]), pos(&d["range"]["end"]));
        by_path.entry(path).or_default().push((
            d["code"].as_str().unwrap_or("").to_string(),
            d["severity"].as_str().unwrap_or("").to_string(),
            d["message"].as_str().unwrap_or("").to_string(),
            [s.0, s.1, e.0, e.1],
        ));
    }
    for list in by_path.values_mut() {
        list.sort();
    }
    by_path
}

fn soak(encoding: Encoding, pull: bool) {
    let dir = temp();
    let root = dir.path();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    files.insert("wf.md".into(), WORKFLOW.into());
    files.insert("run.state.yaml".into(), STATE.into());
    files.insert("docs/a.md".into(), "# A\n".into());
    for (rel, text) in &files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut server = Server::start(root, &[("PHASEGATE_DEBUG_DOCUMENT", "1")]);
    let mut caps = json!({});
    if encoding == Encoding::Utf8 {
        caps["general"] = json!({ "positionEncodings": ["utf-8", "utf-16"] });
    }
    if pull {
        caps["textDocument"] = json!({ "diagnostic": { "dynamicRegistration": false } });
        caps["workspace"] = json!({ "diagnostics": { "refreshSupport": true } });
    }
    let init = server.initialize(caps);
    let negotiated = if encoding == Encoding::Utf8 { "utf-8" } else { "utf-16" };
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], negotiated, "{init}");
    for (i, rel) in DOCS.iter().enumerate() {
        let language = if rel.ends_with(".md") { "markdown" } else { "yaml" };
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": file_uri(&root.join(rel)), "languageId": language, "version": i, "text": files[*rel] } }),
        );
    }
    if pull {
        server.wait(|m| m["method"] == "workspace/diagnostic/refresh");
    }
    let seed = seed() ^ (encoding as u64) << 1 ^ u64::from(pull);
    let mut rng = Rng(seed | 1);
    let mut versions = [1i32; 2];
    let total = edits();
    let mut log: Vec<String> = Vec::new();
    for n in 1..=total {
        let d = if rng.below(10) < 7 { 0 } else { 1 };
        let rel = DOCS[d];
        // One change, or a batch of two (the second applies to the text after the first).
        let mut changes = Vec::new();
        for _ in 0..if rng.below(20) == 0 { 2 } else { 1 } {
            let text = files.get_mut(rel).unwrap_or_else(|| panic!("{rel}"));
            // Documents stay around a few KB: past 3,000 bytes, longer deletions and fewer inserts.
            let long = text.len() > 3000;
            let a = boundary(&mut rng, text);
            let mut b = (a + rng.below(if long { 400 } else { 12 })).min(text.len());
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            // Positions as an editor sends them, and what they mean for the text.
            let (start, end) = (to_lsp(text, a, encoding), to_lsp(text, b, encoding));
            let (a, b) = (from_lsp(text, start, encoding), from_lsp(text, end, encoding).max(from_lsp(text, start, encoding)));
            let insert: String = (0..rng.below(if long { 2 } else { 3 })).map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())]).collect();
            text.replace_range(a..b, &insert);
            log.push(format!("{rel} v{}: {start:?}..{end:?} <- {insert:?}", versions[d] + 1));
            changes.push(json!({ "range": { "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } }, "text": insert }));
        }
        versions[d] += 1;
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": file_uri(&root.join(rel)), "version": versions[d] }, "contentChanges": changes }),
        );
        if n % CHECK_EVERY == 0 || n == total {
            checkpoint(&mut server, root, &files, encoding, pull, seed, n, &log);
        }
    }
    server.shutdown();
}

#[allow(clippy::too_many_arguments)]
fn checkpoint(
    server: &mut Server,
    root: &Path,
    files: &BTreeMap<String, String>,
    encoding: Encoding,
    pull: bool,
    seed: u64,
    n: usize,
    log: &[String],
) {
    let expected = fresh(files, encoding);
    for rel in files.keys() {
        let want = expected.get(rel).cloned().unwrap_or_default();
        let got = if pull {
            let r = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": file_uri(&root.join(rel)) } }));
            lsp_items(r["result"]["items"].as_array().map(Vec::as_slice).unwrap_or(&[]))
        } else {
            let (_, held) = server.settle(rel, Duration::from_secs(10), |d| lsp_items(d) == want);
            lsp_items(&held)
        };
        if got != want {
            let tail: Vec<&String> = log.iter().rev().take(8).collect();
            panic!(
                "soak ({encoding:?}, {}) seed {seed}, after {n} edits: `{rel}` differs from a fresh analysis\n\
                 text of wf.md: {:?}\ntext of run.state.yaml: {:?}\nlast edits (newest first): {tail:#?}\n\
                 server: {got:#?}\nfresh:  {want:#?}",
                if pull { "pull" } else { "push" },
                files["wf.md"],
                files["run.state.yaml"],
            );
        }
    }
    // The server's copy of each open document is the editor's (checked after the diagnostics,
    // so this request does not serve as a barrier for them).
    for rel in DOCS {
        let r = server.request(
            "workspace/executeCommand",
            json!({ "command": "phasegate.debugDocument", "arguments": [{ "uri": file_uri(&root.join(rel)) }] }),
        );
        let theirs = r["result"]["text"].as_str().unwrap_or("<none>");
        if theirs != files[rel] {
            let tail: Vec<&String> = log.iter().rev().take(8).collect();
            panic!(
                "soak ({encoding:?}, {}) seed {seed}, after {n} edits: the server's copy of `{rel}` drifted\n\
                 editor: {:?}\nserver: {theirs:?}\nlast edits (newest first): {tail:#?}",
                if pull { "pull" } else { "push" },
                files[rel]
            );
        }
    }
}

#[test]
fn soak_utf16_push() {
    soak(Encoding::Utf16, false);
}

#[test]
fn soak_utf8_push() {
    soak(Encoding::Utf8, false);
}

#[test]
fn soak_utf16_pull() {
    soak(Encoding::Utf16, true);
}

#[test]
fn soak_utf8_pull() {
    soak(Encoding::Utf8, true);
}

#[test]
fn lsp_positions_of_the_reference_conversion() {
    // The test's own conversion, checked on the cases that matter before it judges the server.
    let text = "a\r\nb\rc\u{2028}d😀e";
    assert_eq!(to_lsp(text, 3, Encoding::Utf16), (1, 0));
    assert_eq!(to_lsp(text, 2, Encoding::Utf16), (0, 1), "between \\r and \\n: the end of the line");
    assert_eq!(to_lsp(text, 5, Encoding::Utf16), (2, 0));
    assert_eq!(to_lsp(text, text.len(), Encoding::Utf16), (2, 6));
    assert_eq!(to_lsp(text, text.len(), Encoding::Utf8), (2, 10));
    assert_eq!(from_lsp(text, (2, 6), Encoding::Utf16), text.len());
    assert_eq!(from_lsp(text, (0, 9), Encoding::Utf16), 1);
    assert_eq!(from_lsp(text, (7, 0), Encoding::Utf16), text.len());
}
