//! LSP end-to-end tests of the editor features (issue 10): every request over stdio against the
//! real binary, in both position encodings, on a workspace with non-ASCII text before the
//! positions under test; a rename applied as an editor applies it, then checked again.

use serde_json::{Value, json};

use crate::lsp::{Server, codes, file_uri};

/// A workflow doc (non-ASCII before every range), its state file, a spec and a task list.
const FILES: [(&str, &str); 5] = [
    (
        "docs/café.md",
        "---\nname: café\n---\n# Café — déploiement 🚀\n\n## Phase 1: Requirements\n**Deliverables**:\n- `features/café/spec.md` — exigences\n\n**Gate Check**: spec écrite → Proceed to Phase 2\n\n## Phase 2: Design Review\n**Deliverables**:\n- `docs/design.md`\n\n## Phase 3: Build\n",
    ),
    (
        "docs/café.state.yaml",
        "workflow: café\ncurrent: design-review\nhistory:\n  - {from: requirements, to: design-review, at: 2026-01-01T00:00:00Z}\n",
    ),
    ("features/café/spec.md", "# Spec — café ☕\n- R1: Paiement par carte 💳\n- R2: Remboursement sous 30 jours\n"),
    (
        "features/café/tasks.md",
        "# Tâches 📋\n- [ ] T1: Formulaire de carte\n  - implements: R1\n- [ ] T2: API de remboursement ✓\n  - implements: café/R2\n  - depends_on: T1\n",
    ),
    ("docs/design.md", "# Design\n"),
];

/// The path a `file:` URI names (percent-decoded), so that URIs are compared whatever a side
/// chose to escape.
fn uri_path(uri: &Value) -> String {
    let s = uri.as_str().unwrap_or("").trim_start_matches("file://");
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The LSP position of the first `needle` of `text` plus `shift` characters, in UTF-8 bytes or
/// UTF-16 code units.
fn pos(text: &str, needle: &str, shift: usize, utf8: bool) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {text:?}"));
    let at = at + needle[..].chars().take(shift).map(char::len_utf8).sum::<usize>();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let prefix = &text[line_start..at];
    let character = if utf8 { prefix.len() } else { prefix.encode_utf16().count() };
    json!({ "line": line, "character": character })
}

/// The byte offset of LSP position `p` in `text`.
fn offset(text: &str, p: &Value, utf8: bool) -> usize {
    let line = p["line"].as_u64().unwrap_or(0) as usize;
    let character = p["character"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

/// `text` with LSP text edits applied.
fn apply(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut list: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"], utf8),
                offset(text, &e["range"]["end"], utf8),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    list.sort_by_key(|e| e.0);
    let mut out = text.to_string();
    for (s, e, t) in list.into_iter().rev() {
        out.replace_range(s..e, &t);
    }
    out
}

/// The text of `range` in `text`.
fn slice<'a>(text: &'a str, range: &Value, utf8: bool) -> &'a str {
    &text[offset(text, &range["start"], utf8)..offset(text, &range["end"], utf8)]
}

fn run(utf8: bool) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let text = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for (rel, body) in FILES {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, body).unwrap_or_else(|e| panic!("{e}"));
    }
    let uri = |rel: &str| file_uri(&root.join(rel));
    let path = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    let (doc, state, spec, tasks) = ("docs/café.md", "docs/café.state.yaml", "features/café/spec.md", "features/café/tasks.md");
    let mut server = Server::start(root, &[("SOURCE_DATE_EPOCH", "1790000000")]);
    let encodings = if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) };
    let init = server.initialize(json!({
        "general": { "positionEncodings": encodings },
        "textDocument": {
            "rename": { "prepareSupport": true },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
            "semanticTokens": { "requests": { "full": true }, "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"] },
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "diagnostic": {}
        },
        "workspace": { "applyEdit": true, "workspaceEdit": { "documentChanges": true }, "codeLens": { "refreshSupport": true }, "diagnostics": { "refreshSupport": true } }
    }));
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], if utf8 { "utf-8" } else { "utf-16" }, "{init}");
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentLinkProvider",
        "completionProvider",
        "renameProvider",
        "codeLensProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "foldingRangeProvider",
        "inlayHintProvider",
        "semanticTokensProvider",
    ] {
        assert!(caps.get(provider).is_some_and(|v| !v.is_null()), "{provider}: {init}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["semanticTokensProvider"]["legend"]["tokenTypes"], json!(["phase", "gate", "state", "requirement", "task"]));
    for rel in [doc, state, tasks] {
        let language = if rel.ends_with(".yaml") { "yaml" } else { "markdown" };
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(rel), "languageId": language, "version": 1, "text": text(rel) } }),
        );
    }
    let at = |rel: &str, needle: &str, shift: usize| json!({ "textDocument": { "uri": uri(rel) }, "position": pos(&text(rel), needle, shift, utf8) });

    // Hover on a phase heading: its gate and deliverables.
    let hover = server.request("textDocument/hover", at(doc, "Design Review", 3));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(markdown.starts_with("**Phase 2 of 3: Design Review**"), "{hover}");
    assert!(markdown.contains("- ✓ `docs/design.md`"), "{hover}");
    assert_eq!(slice(&text(doc), &hover["result"]["range"], utf8), "Design Review");
    // Hover on a requirement pointer: its text.
    let hover = server.request("textDocument/hover", at(tasks, "café/R2", 6));
    assert!(hover["result"]["contents"]["value"].as_str().unwrap_or("").contains("Remboursement sous 30 jours"), "{hover}");

    // Definition: the state file's `current:` → the heading, its range after `é`, `—` and `🚀`.
    let def = server.request("textDocument/definition", at(state, "design-review", 2));
    let target = &def["result"][0];
    assert_eq!(uri_path(&target["uri"]), path(doc), "{def}");
    assert_eq!(slice(&text(doc), &target["range"], utf8), "Design Review", "{def}");
    assert_eq!(target["range"]["start"], pos(&text(doc), "Design Review", 0, utf8));
    // A deliverable path → the file.
    let def = server.request("textDocument/definition", at(doc, "features/café/spec.md", 8));
    assert_eq!(uri_path(&def["result"][0]["uri"]), path(spec), "{def}");

    // References of a requirement: every task implementing it.
    let refs = server.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri(spec) }, "position": pos(&text(spec), "R2", 0, utf8), "context": { "includeDeclaration": false } }),
    );
    let list = refs["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "{refs}");
    assert_eq!((uri_path(&list[0]["uri"]), list[0]["range"]["start"].clone()), (path(tasks), pos(&text(tasks), "R2", 0, utf8)));

    // Highlights of a task in its list.
    let hl = server.request("textDocument/documentHighlight", at(tasks, "T1:", 0));
    let kinds: Vec<(String, u64)> = hl["result"]
        .as_array()
        .map(|l| l.iter().map(|h| (slice(&text(tasks), &h["range"], utf8).to_string(), h["kind"].as_u64().unwrap_or(0))).collect())
        .unwrap_or_default();
    assert_eq!(kinds, [("T1".to_string(), 3), ("T1".to_string(), 2)], "{hl}");

    // Links: the deliverables that exist.
    let links = server.request("textDocument/documentLink", json!({ "textDocument": { "uri": uri(doc) } }));
    let targets: Vec<String> = links["result"].as_array().map(|l| l.iter().map(|x| uri_path(&x["target"])).collect()).unwrap_or_default();
    assert_eq!(targets, [path(spec), path("docs/design.md")], "{links}");

    // Completion after `depends_on:` in the task list, replacing the word typed.
    let completion = server.request("textDocument/completion", at(tasks, "T1\n", 1));
    let items = completion["result"]["items"].as_array().cloned().unwrap_or_default();
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["T1", "T2"], "{completion}");
    assert_eq!(slice(&text(tasks), &items[0]["textEdit"]["range"], utf8), "T");

    // Code lenses: each phase's status and the task list's "Mark done", run as its command.
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri(doc) } }));
    let titles: Vec<&str> =
        lenses["result"].as_array().map(|l| l.iter().filter_map(|x| x["command"]["title"].as_str()).collect()).unwrap_or_default();
    assert_eq!(
        titles[..3],
        [
            "requirements · passed · 1/1 deliverables · gate met",
            "design-review · current · 1/1 deliverables · gate met",
            "▶ Advance to build"
        ],
        "{lenses}"
    );
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri(tasks) } }));
    let mark = lenses["result"][0]["command"].clone();
    assert_eq!((mark["title"].as_str(), mark["command"].as_str()), (Some("Mark done"), Some("phasegate.task")), "{lenses}");
    let done = server.request("workspace/executeCommand", json!({ "command": mark["command"], "arguments": mark["arguments"] }));
    assert_eq!(done["result"]["applied"], true, "{done}");
    let edit = server.applied.lock().unwrap_or_else(|p| p.into_inner()).last().cloned().unwrap_or_default();
    let change = &edit["documentChanges"][0];
    assert_eq!(uri_path(&change["textDocument"]["uri"]), path(tasks));
    assert_eq!(
        apply(&text(tasks), change["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]), utf8).lines().nth(1),
        Some("- [x] T1: Formulaire de carte")
    );

    // The status object lists every phase with its state, heading line and deliverables (the
    // VS Code Workflows view shows it).
    let status = server.request("workspace/executeCommand", json!({ "command": "phasegate.status", "arguments": [{ "uri": uri(doc) }] }));
    let phases: Vec<(String, String, u64)> = status["result"]["workflows"][0]["phases"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|p| {
                    (p["id"].as_str().unwrap_or("").into(), p["status"].as_str().unwrap_or("").into(), p["line"].as_u64().unwrap_or(99))
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        phases,
        [
            ("requirements".into(), "passed".into(), 5),
            ("design-review".into(), "current".into(), 11),
            ("build".into(), "pending".into(), 15)
        ],
        "{status}"
    );
    assert_eq!(
        status["result"]["workflows"][0]["phases"][1]["deliverables"],
        json!([{ "path": "docs/design.md", "status": "present", "optional": false }])
    );

    // Outline, workspace symbols, folding, inlay hints, semantic tokens.
    let symbols = server.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(doc) } }));
    let workflow = &symbols["result"][0];
    assert_eq!((workflow["name"].as_str(), workflow["children"].as_array().map(Vec::len)), (Some("café"), Some(3)), "{symbols}");
    assert_eq!(slice(&text(doc), &workflow["children"][1]["selectionRange"], utf8), "Design Review");
    let found = server.request("workspace/symbol", json!({ "query": "design" }));
    let names: Vec<&str> = found["result"].as_array().map(|l| l.iter().filter_map(|s| s["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, ["design-review"], "{found}");
    let folds = server.request("textDocument/foldingRange", json!({ "textDocument": { "uri": uri(doc) } }));
    let lines: Vec<(u64, u64)> = folds["result"]
        .as_array()
        .map(|l| l.iter().map(|f| (f["startLine"].as_u64().unwrap_or(0), f["endLine"].as_u64().unwrap_or(0))).collect())
        .unwrap_or_default();
    assert_eq!(lines, [(5, 9), (11, 13)], "{folds}");
    let end = pos(&text(tasks), "depends_on: T1", 14, utf8);
    let hints = server.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri(tasks) }, "range": { "start": { "line": 0, "character": 0 }, "end": end } }),
    );
    let labels: Vec<(Value, &str)> = hints["result"]
        .as_array()
        .map(|l| l.iter().map(|h| (h["position"].clone(), h["label"].as_str().unwrap_or(""))).collect())
        .unwrap_or_default();
    assert!(labels.contains(&(end.clone(), "Formulaire de carte")), "{hints}");
    assert!(labels.contains(&(pos(&text(tasks), "café/R2", 7, utf8), "Remboursement sous 30 jours")), "{hints}");
    let tokens = server.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri(doc) } }));
    let data: Vec<u64> = tokens["result"]["data"].as_array().map(|d| d.iter().filter_map(Value::as_u64).collect()).unwrap_or_default();
    // The first token: `Requirements` on line 5, its start after `## Phase 1: `, declared.
    assert_eq!(data[..5], [5, 12, 12, 0, 1], "{tokens}");

    // Rename: refused on prose, then the phase renamed from its heading, applied as an editor
    // does, and checked again.
    let refused = server.request("textDocument/prepareRename", at(doc, "déploiement", 2));
    assert!(refused["error"]["message"].as_str().unwrap_or("").contains("nothing to rename here"), "{refused}");
    let prepared = server.request("textDocument/prepareRename", at(doc, "Design Review", 1));
    assert_eq!(prepared["result"]["placeholder"], "Design Review", "{prepared}");
    let collision = server.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(doc) }, "position": pos(&text(doc), "Design Review", 1, utf8), "newName": "Build" }),
    );
    assert!(collision["error"]["message"].as_str().unwrap_or("").contains("already exists in workflow `café`"), "{collision}");
    let rename = server.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(doc) }, "position": pos(&text(doc), "Design Review", 1, utf8), "newName": "Architecture ✏️" }),
    );
    let changes = rename["result"]["documentChanges"].as_array().cloned().unwrap_or_else(|| panic!("{rename}"));
    assert_eq!(changes.len(), 2, "{rename}");
    for (version, c) in (2..).zip(&changes) {
        let rel = if uri_path(&c["textDocument"]["uri"]) == path(doc) { doc } else { state };
        let target = uri(rel);
        assert_eq!(c["textDocument"]["version"], 1, "the open documents' versions");
        let new_text = apply(&text(rel), c["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]), utf8);
        std::fs::write(root.join(rel), &new_text).unwrap_or_else(|e| panic!("{e}"));
        server.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": target, "version": version }, "contentChanges": [{ "text": new_text }] }),
        );
    }
    assert!(text(doc).contains("## Phase 2: Architecture ✏️\n"), "{}", text(doc));
    assert_eq!(
        text(state),
        "workflow: café\ncurrent: architecture\nhistory:\n  - {from: requirements, to: architecture, at: 2026-01-01T00:00:00Z}\n"
    );
    // Checked again: the state file still names a phase, and leads to the renamed heading.
    let def = server.request("textDocument/definition", at(state, "architecture", 2));
    assert_eq!(slice(&text(doc), &def["result"][0]["range"], utf8), "Architecture ✏️", "{def}");
    for rel in [state, doc] {
        let report = server.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri(rel) } }));
        let items = report["result"]["items"].as_array().cloned().unwrap_or_else(|| panic!("{report}"));
        assert_eq!(codes(&items), Vec::<String>::new(), "{rel}: {report}");
    }
    server.shutdown();
}

#[test]
fn editor_requests_in_utf16() {
    run(false);
}

#[test]
fn editor_requests_in_utf8() {
    run(true);
}

/// A Kiro spec, a Spec Kit feature and an OpenSpec main spec with a change's delta (non-ASCII
/// before every position under test).
const FRAMEWORK_FILES: [(&str, &str); 7] = [
    (
        "openspec/specs/auth/spec.md",
        "# auth Specification\n\n## Purpose\nAuthentification des membres — une connexion sûre pour tous les comptes du service.\n\n## Requirements\n### Requirement: Connexion sécurisée\nLe système SHALL ouvrir une session ✓.\n\n#### Scenario: Valide\n- **WHEN** un membre se connecte\n- **THEN** une session est ouverte\n",
    ),
    (
        "openspec/changes/add-2fa/specs/auth/spec.md",
        "## MODIFIED Requirements\n### Requirement: Connexion sécurisée\nLe système SHALL ouvrir une session après un code ✓.\n\n#### Scenario: Valide\n- **WHEN** un membre se connecte\n- **THEN** une session est ouverte\n",
    ),
    (
        ".kiro/specs/connexion/requirements.md",
        "# Requirements — connexion 🔐\n\n### Requirement 1: Se connecter\n\n#### Acceptance Criteria\n\n1. WHEN un membre envoie des identifiants valides THEN le système SHALL ouvrir une session\n2. WHEN les identifiants sont faux THEN le système SHALL le dire — sans nommer le champ\n",
    ),
    (
        ".kiro/specs/connexion/tasks.md",
        "# Implementation Plan — café ☕\n\n- [x] 1. Formulaire 📱\n  - _Requirements: 1.1_\n- [ ] 2. Session côté serveur\n  - _Requirements: 1.1–1.2_\n",
    ),
    (".specify/memory/constitution.md", "# Constitution\n"),
    (
        "specs/001-albums/spec.md",
        "# Feature Specification: Albums 📷\n\n### User Story 1 - Parcourir les albums (Priority: P1)\n\nUn visiteur voit ses albums.\n\n**Acceptance Scenarios**:\n\n1. **Given** un visiteur « connecté », **When** il ouvre 📷, **Then** il voit ses albums\n",
    ),
    (
        "specs/001-albums/tasks.md",
        "# Tasks: Albums 📷\n\n## Phase 3: User Story 1 — Parcourir 🎯\n\n- [ ] T001 [P] [US1] Créer le modèle « Album »\n",
    ),
];

/// The frameworks' names and marks over stdio: a Kiro criterion hovered, gone to and its
/// references listed, Kiro's criteria under their requirement in the outline, Kiro's "Start"
/// applied as `[-]`, an OpenSpec delta's requirement gone to, a Spec Kit story label gone to and
/// hovered with its acceptance scenarios, the scenarios under the story in the outline, and its
/// task marked done as `[X]`.
fn frameworks(utf8: bool) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = dir.path();
    let text = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    for (rel, body) in FRAMEWORK_FILES {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(p, body).unwrap_or_else(|e| panic!("{e}"));
    }
    let uri = |rel: &str| file_uri(&root.join(rel));
    let path = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    let (requirements, kiro_tasks, spec, tasks) = (
        ".kiro/specs/connexion/requirements.md",
        ".kiro/specs/connexion/tasks.md",
        "specs/001-albums/spec.md",
        "specs/001-albums/tasks.md",
    );
    let mut server = Server::start(root, &[("SOURCE_DATE_EPOCH", "1790000000")]);
    let encodings = if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) };
    let init = server.initialize(json!({
        "general": { "positionEncodings": encodings },
        "textDocument": { "documentSymbol": { "hierarchicalDocumentSymbolSupport": true } },
        "workspace": { "applyEdit": true, "workspaceEdit": { "documentChanges": true } }
    }));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], if utf8 { "utf-8" } else { "utf-16" }, "{init}");
    for rel in [kiro_tasks, tasks] {
        server.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(rel), "languageId": "markdown", "version": 1, "text": text(rel) } }),
        );
    }
    let at = |rel: &str, needle: &str, shift: usize| json!({ "textDocument": { "uri": uri(rel) }, "position": pos(&text(rel), needle, shift, utf8) });

    // Kiro: the end of a range names criterion 1.2, with its text.
    let hover = server.request("textDocument/hover", at(kiro_tasks, "1.2_", 1));
    assert!(hover["result"]["contents"]["value"].as_str().unwrap_or("").starts_with("**Acceptance criterion `1.2`**"), "{hover}");
    assert!(hover["result"]["contents"]["value"].as_str().unwrap_or("").contains("le dire — sans nommer"), "{hover}");
    assert_eq!(slice(&text(kiro_tasks), &hover["result"]["range"], utf8), "1.2");
    let def = server.request("textDocument/definition", at(kiro_tasks, "1.2_", 0));
    assert_eq!(uri_path(&def["result"][0]["uri"]), path(requirements), "{def}");
    assert_eq!(def["result"][0]["range"]["start"], pos(&text(requirements), "2. WHEN", 0, utf8), "{def}");
    let refs = server.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": uri(requirements) }, "position": pos(&text(requirements), "1. WHEN", 0, utf8), "context": { "includeDeclaration": false } }),
    );
    let starts: Vec<Value> = refs["result"].as_array().map(|l| l.iter().map(|r| r["range"]["start"].clone()).collect()).unwrap_or_default();
    assert_eq!(starts, [pos(&text(kiro_tasks), "1.1_", 0, utf8), pos(&text(kiro_tasks), "1.1–", 0, utf8)], "{refs}");
    // Kiro's outline: each requirement with its acceptance criteria as children (`Field`).
    let outline = server.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(requirements) } }));
    let requirement = &outline["result"][0];
    let requirements_text = text(requirements);
    assert_eq!(requirement["name"], "1", "{outline}");
    let children: Vec<(&str, u64, &str)> = requirement["children"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap_or(""),
                        c["kind"].as_u64().unwrap_or(0),
                        slice(&requirements_text, &c["selectionRange"], utf8),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(children, [("1.1", 8, "1"), ("1.2", 8, "2")], "{outline}");
    assert!(slice(&requirements_text, &requirement["children"][1]["range"], utf8).ends_with("le dire — sans nommer le champ"), "{outline}");
    // Kiro's "Start": `[-]`.
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri(kiro_tasks) } }));
    let start = lenses["result"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["command"]["title"] == "Start"))
        .map(|x| x["command"].clone())
        .unwrap_or_else(|| panic!("{lenses}"));
    let started = server.request("workspace/executeCommand", json!({ "command": start["command"], "arguments": start["arguments"] }));
    assert_eq!(started["result"]["applied"], true, "{started}");
    let edit = server.applied.lock().unwrap_or_else(|p| p.into_inner()).last().cloned().unwrap_or_default();
    let change = &edit["documentChanges"][0];
    assert_eq!(
        apply(&text(kiro_tasks), change["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]), utf8).lines().nth(4),
        Some("- [-] 2. Session côté serveur")
    );

    // OpenSpec: a MODIFIED requirement's header → the main spec's requirement of that name.
    let (main, delta) = ("openspec/specs/auth/spec.md", "openspec/changes/add-2fa/specs/auth/spec.md");
    let def = server.request("textDocument/definition", at(delta, "sécurisée", 3));
    assert_eq!(uri_path(&def["result"][0]["uri"]), path(main), "{def}");
    assert_eq!(slice(&text(main), &def["result"][0]["range"], utf8), "Connexion sécurisée", "{def}");
    assert_eq!(def["result"][0]["range"]["start"], pos(&text(main), "Connexion sécurisée", 0, utf8), "{def}");

    // Spec Kit: `[US1]` → the story's heading; "Mark done" writes `[X]`.
    let def = server.request("textDocument/definition", at(tasks, "US1", 1));
    assert_eq!(uri_path(&def["result"][0]["uri"]), path(spec), "{def}");
    assert_eq!(slice(&text(spec), &def["result"][0]["range"], utf8), "User Story 1", "{def}");
    // The story's acceptance scenarios: in the hover of `[US1]` and under the story in the outline.
    let hover = server.request("textDocument/hover", at(tasks, "US1", 1));
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.contains("**Acceptance scenarios**\n- `1`: Given un visiteur « connecté », When il ouvre 📷, Then il voit ses albums"),
        "{hover}"
    );
    let outline = server.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(spec) } }));
    let scenario = &outline["result"][0]["children"][0];
    assert_eq!(
        (outline["result"][0]["name"].as_str(), scenario["name"].as_str(), scenario["kind"].as_u64()),
        (Some("US1"), Some("Scenario 1"), Some(8)),
        "{outline}"
    );
    assert_eq!(slice(&text(spec), &scenario["selectionRange"], utf8), "1", "{outline}");
    assert_eq!(
        slice(&text(spec), &scenario["range"], utf8),
        "1. **Given** un visiteur « connecté », **When** il ouvre 📷, **Then** il voit ses albums",
        "{outline}"
    );
    let lenses = server.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri(tasks) } }));
    let mark = lenses["result"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["command"]["title"] == "Mark done"))
        .map(|x| x["command"].clone())
        .unwrap_or_else(|| panic!("{lenses}"));
    let done = server.request("workspace/executeCommand", json!({ "command": mark["command"], "arguments": mark["arguments"] }));
    assert_eq!(done["result"]["applied"], true, "{done}");
    let edit = server.applied.lock().unwrap_or_else(|p| p.into_inner()).last().cloned().unwrap_or_default();
    let change = &edit["documentChanges"][0];
    assert_eq!(
        apply(&text(tasks), change["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]), utf8).lines().nth(4),
        Some("- [X] T001 [P] [US1] Créer le modèle « Album »")
    );
    server.shutdown();
}

#[test]
fn framework_requests_in_utf16() {
    frameworks(false);
}

#[test]
fn framework_requests_in_utf8() {
    frameworks(true);
}
