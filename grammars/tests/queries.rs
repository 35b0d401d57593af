//! The Neovim highlight queries (`grammars/queries/*/highlights.scm`) compile against the
//! tree-sitter-md grammars (the block grammar for `queries/markdown/`, the inline grammar for
//! `queries/markdown_inline/`) and capture the markers of `editors/neovim/test/markers.md`.
//!
//! Matches come from `QueryCursor::matches` with the document as text provider, which applies
//! the text predicates `#match?`, `#eq?` and `#any-of?` (tree-sitter 0.26); a test checks that
//! no predicate of ours is left to the caller (a "general" predicate the crate ignores).

use std::path::{Path, PathBuf};

use tree_sitter::{Language, Node, Query, QueryCursor, StreamingIterator, Tree};
use tree_sitter_md::{MarkdownParser, MarkdownTree};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(relative: &str) -> String {
    let path = repo_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn block_language() -> Language {
    tree_sitter_md::LANGUAGE.into()
}

fn inline_language() -> Language {
    tree_sitter_md::INLINE_LANGUAGE.into()
}

fn compile(language: &Language, source: &str, name: &str) -> Query {
    Query::new(language, source).unwrap_or_else(|error| panic!("{name} does not compile: {error}"))
}

fn block_query() -> Query {
    compile(&block_language(), &read("grammars/queries/markdown/highlights.scm"), "queries/markdown/highlights.scm")
}

fn inline_query() -> Query {
    compile(&inline_language(), &read("grammars/queries/markdown_inline/highlights.scm"), "queries/markdown_inline/highlights.scm")
}

const MARKERS: &str = "editors/neovim/test/markers.md";

fn parse(text: &str) -> MarkdownTree {
    let mut parser = MarkdownParser::default();
    parser.parse(text.as_bytes(), None).expect("markers.md parses")
}

/// One capture: (line, 1-based; capture name with `@`; the captured text).
type Capture = (usize, String, String);

fn run(query: &Query, root: Node<'_>, text: &str) -> Vec<Capture> {
    let mut cursor = QueryCursor::new();
    let mut found = Vec::new();
    let mut matches = cursor.matches(query, root, text.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures {
            let node = capture.node;
            found.push((
                node.start_position().row + 1,
                format!("@{}", query.capture_names()[capture.index as usize]),
                text[node.byte_range()].to_owned(),
            ));
        }
    }
    found
}

/// Captures of the block query over the block tree.
fn block_captures(query: &Query, tree: &MarkdownTree, text: &str) -> Vec<Capture> {
    let mut found = run(query, tree.block_tree().root_node(), text);
    found.sort();
    found
}

/// Captures of the inline query over the inline tree of every `inline` node.
fn inline_captures(query: &Query, tree: &MarkdownTree, text: &str) -> Vec<Capture> {
    let mut found = Vec::new();
    let inline_trees: &[Tree] = tree.inline_trees();
    assert!(!inline_trees.is_empty(), "markers.md has inline content");
    for inline in inline_trees {
        found.extend(run(query, inline.root_node(), text));
    }
    found.sort();
    found
}

fn owned(expected: &[(usize, &str, &str)]) -> Vec<Capture> {
    let mut expected: Vec<Capture> = expected.iter().map(|&(line, name, text)| (line, name.to_owned(), text.to_owned())).collect();
    expected.sort();
    expected
}

/// The query text without comments and without any predicate (`(#match? ...)`, `(#any-of? ...)`).
fn without_predicates(source: &str) -> String {
    let uncommented: String = source.lines().filter(|line| !line.trim_start().starts_with(';')).map(|line| format!("{line}\n")).collect();
    let mut out = String::with_capacity(source.len());
    let mut rest = uncommented.as_str();
    while let Some(start) = rest.find("(#") {
        out.push_str(&rest[..start]);
        let (mut depth, mut in_string, mut escaped, mut end) = (0usize, false, false, None);
        for (offset, ch) in rest[start..].char_indices() {
            match (in_string, escaped, ch) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (true, false, '"') => in_string = false,
                (true, false, _) => {}
                (false, _, '"') => in_string = true,
                (false, _, '(') => depth += 1,
                (false, _, ')') => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(start + offset + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.expect("balanced predicate");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn queries_compile_and_use_only_predicates_the_crate_applies() {
    for (name, query, names) in [
        ("markdown", block_query(), &["keyword", "comment.todo", "comment.error"][..]),
        ("markdown_inline", inline_query(), &["keyword", "constant", "comment.warning", "label", "comment.todo"][..]),
    ] {
        assert!(query.pattern_count() > 0, "{name}: no patterns");
        assert_eq!(query.capture_names(), names, "{name}: capture names");
        for pattern in 0..query.pattern_count() {
            // `#match?`, `#eq?`, `#any-of?` are text predicates, applied by `QueryCursor::matches`;
            // anything else would be a general predicate that this crate (and the test) ignores.
            assert!(
                query.general_predicates(pattern).is_empty(),
                "{name}: pattern {pattern} has predicates tree-sitter does not apply: {:?}",
                query.general_predicates(pattern)
            );
            assert!(query.property_settings(pattern).is_empty(), "{name}: pattern {pattern} sets properties");
        }
    }
}

#[test]
fn block_query_captures_the_markers() {
    let text = read(MARKERS);
    let tree = parse(&text);
    let found = block_captures(&block_query(), &tree, &text);
    let expected = owned(&[
        // Phase headings (the heading's inline content)
        (3, "@keyword", "Phase 1: Requirements"),
        (5, "@keyword", "Sub-Workflow 2: Planning"),
        (7, "@keyword", "Workflow 3: Design"),
        (9, "@keyword", "Step -1: Setup"),
        (11, "@keyword", "Phase 2.5: Integration"),
        // Paragraphs starting with TBD / TODO
        (24, "@comment.todo", "TBD: the rollout plan."),
        (26, "@comment.todo", "TODO write this section"),
        // Merge-conflict markers: the conflicted paragraph, the setext underline, the quote
        (30, "@comment.error", "<<<<<<< HEAD\nours"),
        (32, "@comment.error", "======="),
        (34, "@comment.error", ">>>>>>> feature/x\n"),
    ]);
    assert_eq!(found, expected);
}

#[test]
fn inline_query_captures_the_markers() {
    let text = read(MARKERS);
    let tree = parse(&text);
    let found = inline_captures(&inline_query(), &tree, &text);
    let expected = owned(&[
        // Gate line
        (15, "@keyword", "**Gate Check**"),
        // [id:...] references: a shortcut link's text, and a code span
        (17, "@constant", "id:findings_dir"),
        (17, "@constant", "`[id:prompts_dir]workflows/S/design.md`"),
        // [NEEDS CLARIFICATION ...]
        (19, "@comment.warning", "[NEEDS CLARIFICATION: who approves?]"),
        // Task ids as code and as bold
        (21, "@label", "`T001`"),
        (22, "@label", "**T2**"),
    ]);
    assert_eq!(found, expected);
}

/// Without their predicates the patterns capture far more (every heading, every paragraph,
/// every code span): the lists above hold because `#match?` / `#any-of?` were applied.
#[test]
fn predicates_are_applied() {
    let text = read(MARKERS);
    let tree = parse(&text);
    let block_source = read("grammars/queries/markdown/highlights.scm");
    let inline_source = read("grammars/queries/markdown_inline/highlights.scm");
    let bare_block = compile(&block_language(), &without_predicates(&block_source), "bare block query");
    let bare_inline = compile(&inline_language(), &without_predicates(&inline_source), "bare inline query");
    for source in [&block_source, &inline_source] {
        assert!(source.contains("(#") && !without_predicates(source).contains("(#"));
    }

    let block = block_captures(&block_query(), &tree, &text);
    let bare = block_captures(&bare_block, &tree, &text);
    let has = |list: &[Capture], name: &str, text: &str| list.iter().any(|(_, n, t)| n == name && t == text);
    // An ordinary heading and a paragraph starting with "TBDs" are captured only without predicates.
    assert!(has(&bare, "@keyword", "Phases overview"), "{bare:#?}");
    assert!(!has(&block, "@keyword", "Phases overview"));
    assert!(has(&bare, "@comment.todo", "TBDs are not markers."), "{bare:#?}");
    assert!(!has(&block, "@comment.todo", "TBDs are not markers."));
    assert!(has(&bare, "@comment.error", "Owner: [NEEDS CLARIFICATION: who approves?]"), "{bare:#?}");
    assert!(bare.len() > block.len());

    let inline = inline_captures(&inline_query(), &tree, &text);
    let bare = inline_captures(&bare_inline, &tree, &text);
    // `#any-of?` on **Gate Check**: bold **T2** is a @keyword only without it.
    assert!(has(&bare, "@keyword", "**T2**"), "{bare:#?}");
    assert!(!has(&inline, "@keyword", "**T2**"));
    // `#match?` on task ids: the `[id:...]` code span is a @label only without it.
    assert!(has(&bare, "@label", "`[id:prompts_dir]workflows/S/design.md`"), "{bare:#?}");
    assert!(!has(&inline, "@label", "`[id:prompts_dir]workflows/S/design.md`"));
    assert!(bare.len() > inline.len());
}
