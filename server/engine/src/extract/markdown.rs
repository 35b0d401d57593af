//! Markdown conventions → the workflow model. Each recognised form is listed, with an example, in
//! docs/conventions.md; where a document is ambiguous the extractor recognises nothing rather
//! than guess.

use crate::extract::{definition, locate, parse_arrow};
use crate::facts::{ChecklistItem, FileFacts, OutlineFacts};
use crate::model::{
    Criterion, CriterionKind, Deliverable, Named, Phase, Recognition, Requirement, StateMachine, Task, Template, Transition, Workflow,
    WorkflowSource, slug,
};
use crate::paths;
use crate::syntax::frontmatter;
use crate::syntax::markdown::{Block, BlockKind, outline};
use crate::syntax::tree::{self, Tree};
use crate::text::TextRange;

/// Keywords that open a phase heading (`Phase 2.5: Integration`), compared case-insensitively.
const PHASE_KEYWORDS: [&str; 4] = ["phase", "sub-workflow", "workflow", "step"];

/// Parses a phase heading's text: `(number, title)`.
fn phase_heading(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let keyword = PHASE_KEYWORDS.iter().find(|k| lower.starts_with(**k))?;
    let rest = &text[keyword.len()..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let number_len = rest.char_indices().take_while(|(i, c)| c.is_ascii_digit() || (*c == '.' && *i > 0) || (*c == '-' && *i == 0)).count();
    let number = rest[..number_len].trim_end_matches('.');
    if number.is_empty() || number == "-" || !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let title = rest[number_len..].trim_start().strip_prefix(':')?.trim();
    if title.is_empty() {
        return None;
    }
    Some((number.to_string(), title.to_string()))
}

/// Whether a phase title is only a placeholder for one: `{Phase Name}`, `[Workflow Name]`,
/// `[SUB_WORKFLOW_NAME]`, `{{name}}`, `<name>` (templates and prompt skeletons). Such a heading
/// declares nothing. Every `{...}`, `[...]` and `<...>` group is removed; what is left must hold
/// no letter or digit.
fn is_placeholder_title(title: &str) -> bool {
    let mut depth = 0usize;
    let mut left = false;
    for c in title.chars() {
        match c {
            '{' | '[' | '<' => depth += 1,
            '}' | ']' | '>' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => left = true,
            _ => {}
        }
    }
    !left
}

/// A phase heading of a document, as [`phase_headings`] keeps it.
struct PhaseHeading {
    /// Index of the heading in the outline.
    block: usize,
    number: String,
    title: String,
    /// Written with the `Step` keyword.
    step: bool,
}

/// The phase headings of a document (docs/conventions.md, "Phase headings"). Placeholder
/// headings (`#### Phase 2: {Phase Name}`) declare nothing. Phases are scoped by their parent
/// heading (the nearest heading of a higher level above them): when the same phase (same id, or
/// same keyword and number) appears under two different parents, the document is a catalogue of
/// several processes (`## Pattern 1` ... `## Pattern 8`, each with its own `### Phase 1: Expand`)
/// or a report repeating its phases in a summary and a detail section, and declares no phase.
fn phase_headings(blocks: &[Block]) -> Vec<PhaseHeading> {
    let mut out = Vec::new();
    // (level, block index) of the headings enclosing the current position.
    let mut enclosing: Vec<(u8, usize)> = Vec::new();
    // Phase key → the parent heading it was first seen under.
    let mut parents: std::collections::HashMap<String, Option<usize>> = std::collections::HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        let BlockKind::Heading { level } = b.kind else { continue };
        while enclosing.last().is_some_and(|(l, _)| *l >= level) {
            enclosing.pop();
        }
        let parent = enclosing.last().map(|(_, p)| *p);
        enclosing.push((level, i));
        let Some((number, title)) = phase_heading(&b.text) else { continue };
        if is_placeholder_title(&title) {
            continue;
        }
        let keyword = PHASE_KEYWORDS.iter().find(|k| b.text.trim().to_ascii_lowercase().starts_with(**k)).copied().unwrap_or("phase");
        let id = slug(&title);
        let keys = [format!("{keyword} {number}"), if id.is_empty() { slug(&number) } else { id }];
        for key in keys {
            match parents.get(&key) {
                Some(first) if *first != parent => return Vec::new(),
                Some(_) => {}
                None => {
                    parents.insert(key, parent);
                }
            }
        }
        out.push(PhaseHeading { block: i, number, title, step: keyword == "step" });
    }
    out
}

/// Whether a label line opens a deliverables list (seed 001's `**Deliverables**:`,
/// `**Critical Architect Deliverables**:`, seed 000's `Output Produced:`).
fn is_deliverables_label(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').trim().to_ascii_lowercase();
    text.trim().ends_with(':') && (t.ends_with("deliverables") || t == "output produced" || t == "outputs" || t == "writes")
}

/// Whether a heading opens a workflow-level outputs section (seed 002's `## Outputs (Writes)`).
fn is_outputs_heading(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    t.starts_with("outputs") || t.starts_with("writes") || t == "deliverables"
}

/// Whether a deliverable's line makes it optional or conditional.
fn is_optional_text(text: &str) -> bool {
    let t = format!(" {} ", text.to_ascii_lowercase());
    t.contains("optional") || t.contains(" when ") || t.contains(" if ")
}

/// Whether a line states that deliverables must hold no `TBD` (seed 001: `No "TBD" sections
/// allowed`).
fn forbids_markers(text: &str) -> bool {
    let has = |word: &[u8]| text.as_bytes().windows(word.len()).any(|w| w.eq_ignore_ascii_case(word));
    if !has(b"tbd") && !has(b"todo") {
        return false;
    }
    let t = format!(" {} ", text.to_ascii_lowercase());
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    (words.contains(&"tbd") || words.contains(&"todo")) && (words.contains(&"no") || t.contains("not allowed") || t.contains("must not"))
}

/// Whether an inline code span looks like a file path rather than a word or a command.
fn looks_like_path(code: &str) -> bool {
    let code = code.trim();
    if code.is_empty() || code.contains(char::is_whitespace) || code.starts_with('-') || code.contains("://") {
        return false;
    }
    let name = paths::file_name(code);
    let has_ext = name.rfind('.').is_some_and(|i| i > 0 && i + 1 < name.len());
    has_ext || code.ends_with('/')
}

/// A checklist label: `Before starting implementation, orchestrator MUST verify:` (seed 001).
/// Returns which phase the gate belongs to, relative to the named one.
enum ChecklistAnchor {
    /// "Before starting X": the gate out of the phase before X.
    Before(String),
    /// "After X": the gate out of X.
    After(String),
    /// "Before marking complete": the gate out of the last phase.
    Complete,
}

fn checklist_anchor(label: &str) -> Option<ChecklistAnchor> {
    let first = label.trim_start().as_bytes().first().map(u8::to_ascii_lowercase);
    if !matches!(first, Some(b'b' | b'a')) {
        return None;
    }
    let t = label.trim().trim_end_matches(':').to_ascii_lowercase();
    let head = t.split([',', ':']).next().unwrap_or("").trim();
    if head.starts_with("before marking complete") || head.starts_with("before completion") || head.starts_with("before completing") {
        return Some(ChecklistAnchor::Complete);
    }
    if let Some(rest) = head.strip_prefix("before starting ").or_else(|| head.strip_prefix("before entering ")) {
        return Some(ChecklistAnchor::Before(rest.trim().to_string()));
    }
    if let Some(rest) = head.strip_prefix("after ") {
        return Some(ChecklistAnchor::After(rest.trim().trim_start_matches("completing ").to_string()));
    }
    None
}

/// The phase whose id holds the words of `name` (`implementation` → `parallel-implementation`),
/// when exactly one does.
fn phase_by_words(phases: &[Phase], name: &str) -> Option<usize> {
    let wanted = slug(name);
    if wanted.is_empty() {
        return None;
    }
    let matches: Vec<usize> = phases
        .iter()
        .enumerate()
        .filter(|(_, p)| p.id == wanted || format!("-{}-", p.id).contains(&format!("-{wanted}-")))
        .map(|(i, _)| i)
        .collect();
    (matches.len() == 1).then(|| matches[0])
}

/// A task id at the start of a line: `T1`, `T001`, `TASK-3`, `AUTH-12`, `T-BP-001` (the
/// `.ops/build` task planner's form: groups of capitals joined by `-`, then digits).
pub(crate) fn task_id(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(text.len());
    let id = &text[..end];
    let after = text[end..].chars().next();
    if !matches!(after, None | Some(':' | ' ' | '.' | ')' | '\t')) {
        return None;
    }
    let letters = id.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    let digits = &id[letters.len()..].trim_start_matches('-');
    let ok = !letters.is_empty()
        && letters.split('-').all(|group| !group.is_empty() && group.chars().all(|c| c.is_ascii_uppercase()))
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && (letters == "T" || id.contains('-'));
    ok.then_some(id)
}

/// A requirement id at the start of a list item: `R1: ...`, `REQ-2: ...`, `R1.2: ...`.
fn requirement_id(text: &str) -> Option<&str> {
    let (id, _) = text.trim_start().split_once(':')?;
    let id = id.trim().trim_matches('*').trim();
    let letters = id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.').trim_end_matches('-');
    let ok = !letters.is_empty() && letters.len() < id.len() && letters.chars().all(|c| c.is_ascii_uppercase());
    // `P0`..`P9` are priority labels (`- P1: must have` in a PRD), not requirements.
    let priority = id.len() == 2 && id.starts_with('P');
    (ok && !priority).then_some(id)
}

/// Values after `key:` on one line of `text` (quotes and brackets removed, comma-separated).
fn key_values<'a>(line: &'a str, keys: &[&str]) -> Option<(usize, Vec<(&'a str, usize)>)> {
    if !line.contains(':') {
        return None;
    }
    // `keys` hold their colon (`implements:`); compared case-insensitively, at each colon.
    let bytes = line.as_bytes();
    let (key_at, key) = line.match_indices(':').find_map(|(colon, _)| {
        keys.iter().find_map(|k| {
            let start = (colon + 1).checked_sub(k.len())?;
            bytes[start..=colon].eq_ignore_ascii_case(k.as_bytes()).then_some((start, *k))
        })
    })?;
    let value_start = key_at + key.len();
    let mut out = Vec::new();
    let mut value = &line[value_start..];
    // `(implements: R2)`: the value ends at the parenthesis that closes the one before the key.
    if line[..key_at].contains('(')
        && let Some(close) = value.find(')')
    {
        value = &value[..close];
    }
    let mut offset = value_start;
    for part in value.split(',') {
        let trimmed = part.trim().trim_matches(|c| matches!(c, '"' | '\'' | '[' | ']' | '`' | '_' | '(' | ')' | '.' | ';'));
        if !trimmed.is_empty()
            && let Some(i) = part.find(trimmed)
        {
            out.push((trimmed, offset + i));
        }
        offset += part.len() + 1;
    }
    Some((key_at, out))
}

/// Scans `text` for `[id:name]` references, skipping `skip` ranges (code blocks).
fn id_refs(text: &str, skip: &[TextRange]) -> Vec<Named> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("[id:") {
        let start = from + i;
        from = start + 4;
        if skip.iter().any(|r| r.start <= start && start < r.end) {
            continue;
        }
        let rest = &text[start + 4..];
        let Some(close) = rest.find(']') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            out.push(Named::new(name, TextRange::new(start + 4, start + 4 + name.len())));
        }
    }
    out
}

/// `view` with the front matter block `fm` blanked byte for byte (ASCII spaces, newlines kept), so
/// the Markdown parser does not read it and offsets stay valid.
pub(crate) fn blank_front_matter(view: &str, fm: frontmatter::FrontMatter) -> String {
    let mut blanked = view.to_string();
    let spaces: String =
        view[fm.whole.start..fm.whole.end].bytes().map(|b| if b == b'\n' || b == b'\r' { b as char } else { ' ' }).collect();
    blanked.replace_range(fm.whole.start..fm.whole.end, &spaces);
    blanked
}

/// Whether a Markdown text could declare a workflow: a phase-like heading (`Phase 2`, `Step -1`,
/// `Sub-Workflow 1`: a keyword, blanks, a number), a `Transitions:` list or an arrow. A cheap
/// prefilter, so plain docs skip the outline; a false "yes" only costs the full reading.
fn could_declare_workflow(text: &str) -> bool {
    let starts_with = |b: &[u8], word: &[u8]| b.len() >= word.len() && b[..word.len()].eq_ignore_ascii_case(word);
    let bytes = text.as_bytes();
    // Each line's start (after `\n`, `\r` or `\r\n`; the empty "line" between `\r` and `\n`
    // matches nothing). The tests below never read past a line break: none of the bytes they
    // skip or compare is one.
    let mut start = 0;
    loop {
        // Headings and labels start their line, after `#`, `*`, `>` and blanks.
        let line = &bytes[start..];
        let lead = line.iter().take_while(|b| matches!(b, b'#' | b'*' | b'>' | b' ' | b'\t')).count();
        let b = &line[lead..];
        // Every word below starts with one of these letters: most lines are passed over here.
        if b.first().is_some_and(|c| matches!(c.to_ascii_lowercase(), b't' | b'a' | b'p' | b's' | b'w')) {
            if starts_with(b, b"transitions") || starts_with(b, b"allowed transitions") {
                return true;
            }
            for kw in [&b"phase"[..], b"step", b"workflow", b"sub-workflow"] {
                if starts_with(b, kw) {
                    let after = &b[kw.len()..];
                    let blanks = after.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
                    if blanks > 0 && after.get(blanks).is_some_and(|c| c.is_ascii_digit() || *c == b'-') {
                        return true;
                    }
                }
            }
        }
        match memchr::memchr2(b'\n', b'\r', line) {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    // The searchers are built once (building one costs more than searching a short file).
    static ARROWS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        std::sync::LazyLock::new(|| [memchr::memmem::Finder::new("→"), memchr::memmem::Finder::new("->")]);
    ARROWS.iter().any(|arrow| arrow.find(bytes).is_some())
}

/// The outline facts of a Markdown file's text, for files whose extraction skipped the outline.
pub(crate) fn outline_facts(text: &str, conflicts: &[crate::syntax::conflict::Conflict]) -> OutlineFacts {
    let masked;
    let view = if conflicts.is_empty() {
        text
    } else {
        masked = crate::syntax::conflict::mask_theirs(text, conflicts);
        &masked
    };
    let blanked;
    let md_text = match frontmatter::find(view) {
        Some(fm) => {
            blanked = blank_front_matter(view, fm);
            &blanked
        }
        None => view,
    };
    facts_of_outline(md_text, &outline(md_text))
}

fn facts_of_outline(text: &str, blocks: &[Block]) -> OutlineFacts {
    let code_blocks: Vec<TextRange> = blocks.iter().filter(|b| matches!(b.kind, BlockKind::Code { .. })).map(|b| b.range).collect();
    let id_refs = id_refs(text, &code_blocks);
    let headings = blocks.iter().filter(|b| matches!(b.kind, BlockKind::Heading { .. })).map(|b| b.text.trim().to_string()).collect();
    let mut facts = OutlineFacts { checklists: collect_checklists(blocks), id_refs, code_blocks, headings };
    // Kept for the file's version: without the slack of growth.
    facts.checklists.shrink_to_fit();
    facts.code_blocks.shrink_to_fit();
    facts
}

/// Reads one Markdown file's text (`view`: merge conflicts already masked) into `facts`.
pub(crate) fn extract(facts: &mut FileFacts, view: &str) {
    let path = facts.path.clone();
    // Front matter: read as YAML, then blanked so the Markdown parser does not see it.
    let front = frontmatter::find(view);
    let mut front_tree = None;
    let md_text: std::borrow::Cow<'_, str> = match front {
        Some(fm) => {
            let yaml = &view[fm.yaml.start..fm.yaml.end];
            match tree::parse_yaml(yaml, fm.yaml.start) {
                Ok(t) => front_tree = Some(t),
                // saphyr-parser (0.3.4) rejects a multi-line flow collection whose closing bracket
                // sits left of the block indentation (`args: [` ... `]` under the key), which
                // YAML readers accept and saphyr fixed upstream (saphyr-rs/saphyr 5c3161f, not
                // released yet): not reported, the front matter is only left unread.
                Err(e) if e.message == "invalid indentation" => {}
                // Reported in every Markdown file: agent commands, prompts and workflow steps are
                // loaded by tools that read their front matter.
                Err(e) => facts.syntax_errors.push(e),
            }
            blank_front_matter(view, fm).into()
        }
        None => {
            if let Some(opener) = frontmatter::find_unclosed(view) {
                facts.syntax_errors.push(crate::syntax::tree::SyntaxError {
                    range: opener,
                    message: "front matter is never closed: add a `---` line after its last key".into(),
                });
            }
            view.into()
        }
    };
    let text: &str = &md_text;
    let front = front_tree.as_ref();
    // The recognisers that read this file: by its path, then by their cheap text test. None: a
    // plain doc or deliverable, whose outline facts are read on first use.
    let readers: Vec<&Recogniser> =
        super::markdown_recognisers().filter(|r| (r.applies)(&path) && r.prefilter.is_none_or(|test| test(text, front))).collect();
    if readers.is_empty() {
        return;
    }
    let blocks = Outline { text, blocks: std::cell::OnceCell::new() };
    let superseded: Vec<&str> = readers.iter().flat_map(|r| r.replaces.iter().copied()).collect();
    let input = MarkdownInput { path: &path, view, text, blocks: &blocks, front };
    for r in readers.iter().filter(|r| !superseded.contains(&r.name)) {
        (r.extract)(facts, &input);
    }
    // A reader that only reads lines (OpenSpec's) builds no outline; the outline facts of such a
    // file are then read on first use, as for a plain doc.
    if let Some(b) = blocks.blocks.get() {
        let _ = facts.outline.set(Box::new(facts_of_outline(text, b)));
    }
}

/// The outline of a Markdown text, built when a recogniser first reads it.
pub(crate) struct Outline<'a> {
    text: &'a str,
    blocks: std::cell::OnceCell<Vec<Block>>,
}

impl std::ops::Deref for Outline<'_> {
    type Target = [Block];

    fn deref(&self) -> &[Block] {
        self.blocks.get_or_init(|| outline(self.text))
    }
}

/// What a Markdown recogniser reads: the file's path and text (merge conflicts masked, front
/// matter blanked byte for byte), its outline and its parsed front matter.
pub(crate) struct MarkdownInput<'a> {
    /// Project-relative path.
    pub path: &'a str,
    /// The text with merge conflicts masked, front matter kept.
    pub view: &'a str,
    /// The text with front matter blanked (offsets unchanged).
    pub text: &'a str,
    /// The outline of `text`, built on first use (it dereferences to `&[Block]`).
    pub blocks: &'a Outline<'a>,
    /// The front matter, when it parsed.
    pub front: Option<&'a Tree>,
}

/// A recogniser of Markdown files: which files it reads, a cheap test of the text that must pass
/// before the outline is built, and what it extracts. The generic conventions' recognisers are
/// listed here ([`GENERIC`]); each framework lists its own ([`crate::frameworks::Framework`]).
/// The outline is built only for a file some recogniser reads.
pub(crate) struct Recogniser {
    /// A short name, unique (other recognisers name it in [`Recogniser::replaces`]).
    pub name: &'static str,
    /// Whether it reads the file at this project-relative path.
    pub applies: fn(&str) -> bool,
    /// A test on the text (front matter blanked) and the front matter; `None`: every file it
    /// applies to.
    pub prefilter: Option<fn(&str, Option<&Tree>) -> bool>,
    /// Recognisers it supersedes on the files it reads (a framework's task reader replaces the
    /// generic `tasks`).
    pub replaces: &'static [&'static str],
    /// Reads the file into its facts.
    pub extract: fn(&mut FileFacts, &MarkdownInput<'_>),
}

/// Whether the file name of `path` holds `word` (ASCII), in any case.
fn file_name_has(path: &str, word: &str) -> bool {
    paths::contains_ignore_case(paths::file_name(path), word)
}

fn is_memory_map(path: &str) -> bool {
    file_name_has(path, "memory-map") || file_name_has(path, "memory_map")
}

fn has_front_definition(front: Option<&Tree>) -> bool {
    front.and_then(|t| Some((t, t.root?))).is_some_and(|(t, root)| t.get(root, "phases").is_some() || t.get(root, "states").is_some())
}

impl std::fmt::Debug for Recogniser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recogniser({})", self.name)
    }
}

/// The generic conventions' recognisers (docs/conventions.md), in the order they run.
pub(crate) static GENERIC: &[Recogniser] = &[
    // `[id:name]` definitions of a memory map (seed 000).
    Recogniser {
        name: "memory-map",
        applies: is_memory_map,
        prefilter: None,
        replaces: &[],
        extract: |facts, input| {
            facts.memory_ids = id_refs(input.text, &facts.outline().code_blocks);
        },
    },
    // Tasks (`T1: ...`, `- [ ] T001 ...`, `### T5: ...`) in files named like tasks.
    Recogniser {
        name: "tasks",
        applies: |path| file_name_has(path, "task"),
        prefilter: None,
        replaces: &[],
        extract: |facts, input| facts.tasks = collect_tasks(input.text, input.blocks),
    },
    // Requirements (`R1: ...`, `**FR-001**: ...`) in files named like specs or requirements.
    Recogniser {
        name: "requirements",
        applies: |path| file_name_has(path, "spec") || file_name_has(path, "requirement"),
        prefilter: None,
        replaces: &[],
        extract: |facts, input| facts.requirements = collect_requirements(input.view, input.blocks),
    },
    // An explicit definition in front matter (`phases:` or `states:`); it wins over conventions.
    Recogniser {
        name: "front-matter-definition",
        applies: |_| true,
        prefilter: Some(|_, front| has_front_definition(front)),
        replaces: &[],
        extract: |facts, input| {
            let Some((t, root)) = input.front.and_then(|t| Some((t, t.root?))) else { return };
            let templates = collect_templates(input.blocks);
            if let Some(mut wf) = definition::read_workflow(facts, t, root, paths::file_stem(input.path)) {
                wf.templates.extend(templates);
                facts.workflows.push(wf);
            }
        },
    },
    // The Markdown conventions: phase headings, deliverables, gates, checklists, state machines.
    Recogniser {
        name: "conventions",
        applies: |_| true,
        prefilter: Some(|text, front| !has_front_definition(front) && could_declare_workflow(text)),
        replaces: &[],
        extract: read_conventions,
    },
];

/// The Markdown conventions of one file, as a workflow when they declare one.
fn read_conventions(facts: &mut FileFacts, input: &MarkdownInput<'_>) {
    let (path, text, blocks) = (input.path, input.text, input.blocks);
    let front_name = input.front.and_then(|t| {
        let root = t.root?;
        let n = t.get(root, "name")?;
        Some(Named::new(t.str(n)?.trim(), t.range(n)))
    });
    let stem = paths::file_stem(path).to_string();
    // Most Markdown files (plain docs, deliverables) declare no workflow: skip the conventions
    // unless a phase heading or a state machine could be there.
    let could_be_workflow = blocks.iter().any(|b| match &b.kind {
        BlockKind::Heading { .. } => phase_heading(&b.text).is_some(),
        BlockKind::Paragraph => crate::text::lines(&b.text).any(|l| l.trim().eq_ignore_ascii_case("transitions:")),
        BlockKind::Code { .. } => b.text.contains('→') || b.text.contains("->"),
        BlockKind::Item { .. } => false,
    });
    if !could_be_workflow {
        return;
    }
    let mut wf = conventions(path, text, blocks);
    if wf.phases.is_empty() && wf.state_machine.as_ref().is_none_or(|sm| sm.transitions.is_empty()) {
        return;
    }
    match front_name {
        Some(n) if !n.name.is_empty() => {
            wf.name = n.name;
            wf.name_range = n.range;
            wf.explicit_name = true;
        }
        _ => wf.name = stem,
    }
    facts.workflows.push(wf);
}

/// Requirements: list items and headings starting with an id and a colon (`R1: ...`,
/// `**FR-001**: System MUST ...`), with the rest of the line as their text.
fn collect_requirements(view: &str, blocks: &[Block]) -> Vec<Requirement> {
    blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Item { .. } | BlockKind::Heading { .. }))
        .filter_map(|b| {
            let id = requirement_id(&b.text)?;
            let range = locate(view, b.range, id, 0)?;
            let text = b.text.split_once(':').map_or("", |(_, t)| t).trim().to_string();
            Some(Requirement::new(Named::new(id, range), text, b.range))
        })
        .collect()
}

fn collect_checklists(blocks: &[Block]) -> Vec<ChecklistItem> {
    let mut out = Vec::new();
    let mut label = String::new();
    for b in blocks {
        match &b.kind {
            BlockKind::Heading { .. } | BlockKind::Paragraph => {
                label = b.text.trim().to_string();
            }
            BlockKind::Item { checked, .. } => {
                if let Some(checked) = checked {
                    out.push(ChecklistItem {
                        section: crate::facts::section_key(&label),
                        checked: *checked,
                        text: b.text.trim().to_string(),
                    });
                }
            }
            BlockKind::Code { .. } => {}
        }
    }
    out
}

fn collect_templates(blocks: &[Block]) -> Vec<Template> {
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let BlockKind::Heading { level } = b.kind else { continue };
        let Some(name) = b.text.trim().strip_suffix(" Template").or_else(|| b.text.trim().strip_suffix(" template")) else { continue };
        let name = name.trim().trim_matches('`');
        if !looks_like_path(name) {
            continue;
        }
        // The first code block of this section.
        let code = blocks[i + 1..]
            .iter()
            .take_while(|n| !matches!(n.kind, BlockKind::Heading { level: l } if l <= level))
            .find(|n| matches!(n.kind, BlockKind::Code { .. }));
        if let Some(code) = code {
            out.push(Template { file_name: paths::file_name(name).to_string(), content: code.text.clone(), range: b.range });
        }
    }
    out
}

/// Whether a block declares the task it starts with. A task is declared once: by its checkbox
/// line (`- [ ] T001 ...`, Spec Kit) or its heading (`### T5: Refunds`). Plain bullets declare
/// tasks only in a file that uses neither form, and only as `- T1: title` (the id followed by a
/// colon); otherwise a plain bullet starting with a task id is prose about that task
/// (`- T006 depends on T002` in a "Dependencies" note).
fn declares_task(block: &Block, id: &str, plain_bullets_declare: bool) -> bool {
    match block.kind {
        BlockKind::Heading { .. } | BlockKind::Item { checked: Some(_), .. } => true,
        BlockKind::Item { checked: None, .. } => plain_bullets_declare && block.text.trim_start()[id.len()..].starts_with(':'),
        _ => false,
    }
}

/// The bracketed labels right after a task's id (`[P] [US1]`, ending at byte `id_end` of
/// `text`), with their ranges, and the title after them.
fn task_labels(text: &str, block: &Block, id_end: usize) -> (Vec<Named>, String) {
    let line_end = block.range.end.min(text.len());
    let mut at = id_end.min(line_end);
    let mut labels = Vec::new();
    loop {
        let rest = &text[at..line_end];
        let skipped = rest.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        let Some(inner) = rest.strip_prefix('[') else { break };
        let Some(close) = inner.find(']') else { break };
        let label = &inner[..close];
        if label.is_empty() || label.contains(char::is_whitespace) || label.contains('[') {
            break;
        }
        let start = at + skipped + 1;
        labels.push(Named::new(label, TextRange::new(start, start + label.len())));
        at = start + close + 1;
    }
    let title = text[at..line_end].trim_start_matches([':', ' ', '\t', '-', '—']).trim().to_string();
    (labels, title)
}

/// The tasks of a tasks file's outline (docs/conventions.md, "Tasks").
pub(crate) fn collect_tasks(text: &str, blocks: &[Block]) -> Vec<Task> {
    let mut tasks: Vec<Task> = Vec::new();
    let plain_bullets_declare = !blocks
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Heading { .. } | BlockKind::Item { checked: Some(_), .. }) && task_id(&b.text).is_some());
    // (depth or heading level marker, index in tasks) of the open task.
    let mut open: Option<(bool, usize, usize)> = None;
    // The heading the blocks are under.
    let mut section: Option<String> = None;
    for b in blocks {
        if matches!(b.kind, BlockKind::Heading { .. }) && task_id(&b.text).is_none() {
            section = Some(b.text.trim().to_string());
        }
        let (is_heading, level) = match b.kind {
            BlockKind::Heading { level } => (true, level as usize),
            BlockKind::Item { depth, .. } => (false, depth),
            // Prose under a heading task belongs to it.
            BlockKind::Paragraph if open.is_some_and(|(h, _, _)| h) => (false, usize::MAX),
            _ => continue,
        };
        if level == usize::MAX {
            // A paragraph of the open heading task: read below, without changing what is open.
        } else if let Some(id) = task_id(&b.text)
            && declares_task(b, id, plain_bullets_declare)
            && let Some(range) = locate(text, b.range, id, 0)
        {
            let (labels, title) = task_labels(text, b, range.end);
            tasks.push(Task {
                id: Named::new(id, range),
                checked: match b.kind {
                    BlockKind::Item { checked, .. } => checked,
                    _ => None,
                },
                title,
                labels,
                section: section.clone(),
                implements: Vec::new(),
                depends_on: Vec::new(),
                range: b.range,
            });
            open = Some((is_heading, level, tasks.len() - 1));
        } else if let Some((open_heading, open_level, _)) = open {
            let closes = if is_heading { !open_heading || level <= open_level } else { !open_heading && level <= open_level };
            if closes {
                open = None;
            }
        }
        let Some((_, _, index)) = open else { continue };
        // Read `implements:` / `depends_on:` on every line of the block's own text.
        let own = TextRange::new(b.range.start, b.content.end.max(b.range.end));
        let block_text = &text[own.start.min(text.len())..own.end.min(text.len())];
        for (line_offset, line) in crate::text::lines_inclusive(block_text).scan(0, |acc, l| {
            let at = *acc;
            *acc += l.len();
            Some((at, l))
        }) {
            let base = own.start + line_offset;
            if let Some((_, values)) = key_values(line, &["implements:"]) {
                for (v, at) in values {
                    tasks[index].implements.push(Named::new(v, TextRange::new(base + at, base + at + v.len())));
                }
            }
            if let Some((_, values)) = key_values(line, &["depends_on:", "depends on:", "depends-on:"]) {
                for (v, at) in values {
                    if v.eq_ignore_ascii_case("none") || v == "-" {
                        continue;
                    }
                    tasks[index].depends_on.push(Named::new(v, TextRange::new(base + at, base + at + v.len())));
                }
            }
        }
    }
    tasks
}

/// The Markdown conventions proper: phases, deliverables, gates, checklists, state machines.
fn conventions(path: &str, text: &str, blocks: &[Block]) -> Workflow {
    let mut wf = Workflow::new(String::new(), TextRange::default(), WorkflowSource::MarkdownConventions);
    wf.templates = collect_templates(blocks);
    let phase_list = phase_headings(blocks);
    let mut phase_at = phase_list.iter().peekable();
    // The phase whose section we are in, and the heading level that opened it.
    let mut current: Option<(usize, u8)> = None;
    // Deliverables list state: inside a list following a deliverables label or outputs heading.
    #[derive(PartialEq)]
    enum ListMode {
        None,
        Deliverables { require_complete: bool },
        States,
        Transitions,
        Forbidden,
        Checklist,
    }
    let mut mode = ListMode::None;
    let mut workflow_outputs = false;
    let mut checklist_labels: Vec<(String, TextRange)> = Vec::new();
    // A `Before ...:`/`After ...:` lead-in, until a task-list item confirms it as a checklist.
    let mut pending_checklist: Option<(String, TextRange)> = None;
    let mut sm = StateMachine::default();
    let mut in_state_section = false;
    let mut phase_marker_note: Vec<usize> = Vec::new();

    for (index, b) in blocks.iter().enumerate() {
        if !matches!(b.kind, BlockKind::Item { checked: Some(_), .. }) {
            pending_checklist = None;
        }
        match &b.kind {
            BlockKind::Heading { level } => {
                mode = ListMode::None;
                if let Some(PhaseHeading { number, title, .. }) = phase_at.next_if(|p| p.block == index) {
                    let (number, title) = (number.clone(), title.clone());
                    let id = slug(&title);
                    wf.phases.push(Phase {
                        id: if id.is_empty() { slug(&number) } else { id },
                        number: Some(number),
                        title,
                        range: b.range,
                        deliverables: Vec::new(),
                        gate: crate::model::Gate::default(),
                        depends_on: Vec::new(),
                        reached: Vec::new(),
                    });
                    current = Some((wf.phases.len() - 1, *level));
                    workflow_outputs = false;
                    in_state_section = false;
                    continue;
                }
                if let Some((_, open_level)) = current
                    && *level <= open_level
                {
                    current = None;
                }
                workflow_outputs = current.is_none() && is_outputs_heading(&b.text);
                if workflow_outputs || (current.is_some() && is_deliverables_label(&format!("{}:", b.text.trim().trim_end_matches(':')))) {
                    // `## Outputs` at workflow level, `### Deliverables` inside a phase.
                    mode = ListMode::Deliverables { require_complete: false };
                } else if checklist_anchor(&b.text).is_some() {
                    // A checklist label written as a heading.
                    mode = ListMode::Checklist;
                    pending_checklist = Some((b.text.trim().to_string(), b.range));
                }
                in_state_section = b.text.to_ascii_lowercase().contains("state");
            }
            BlockKind::Paragraph => {
                mode = ListMode::None;
                for line in crate::text::lines(&b.text) {
                    let trimmed = line.trim();
                    let lower = trimmed.to_ascii_lowercase();
                    if is_deliverables_label(trimmed) {
                        mode = ListMode::Deliverables { require_complete: false };
                    } else if lower == "states:" {
                        mode = ListMode::States;
                        if sm.states.is_empty() {
                            sm.range = b.range;
                        }
                    } else if lower == "transitions:" || lower == "allowed transitions:" {
                        mode = ListMode::Transitions;
                    } else if lower == "invalid transitions:" || lower == "forbidden transitions:" {
                        mode = ListMode::Forbidden;
                    } else if trimmed.ends_with(':') && checklist_anchor(trimmed).is_some() {
                        mode = ListMode::Checklist;
                        pending_checklist = Some((b.text.trim().to_string(), b.range));
                    } else if lower.starts_with("gate check:") {
                        if let Some((i, _)) = current {
                            let range = locate(text, b.range, "Gate", 0).map_or(b.range, |r| {
                                let line_end = crate::text::line_end(&text[..b.range.end.min(text.len())], r.start);
                                TextRange::new(r.start, line_end)
                            });
                            let phase = &mut wf.phases[i];
                            phase.gate.range = Some(range);
                            let statement = trimmed.split_once(':').map_or("", |(_, s)| s).trim();
                            let (criterion, target) = match statement.split_once('→').or_else(|| statement.split_once("->")) {
                                Some((c, t)) => (c.trim(), Some(t.trim())),
                                None => (statement, None),
                            };
                            if !criterion.is_empty() {
                                phase.gate.criteria.push(Criterion { kind: CriterionKind::Manual, label: criterion.to_string(), range });
                            }
                            if let Some(target) = target
                                && let Some(rest) = target.strip_prefix("Proceed to ").or_else(|| target.strip_prefix("proceed to "))
                            {
                                let rest = rest.trim().trim_end_matches(['.', '!']);
                                if let Some(r) = locate(text, range, rest, 0) {
                                    phase.gate.proceeds_to = Some(Named::new(rest, r));
                                }
                            }
                        }
                    } else if let Some((key, value)) = trimmed.split_once(':')
                        && matches!(key.trim().to_ascii_lowercase().as_str(), "validation" | "success criteria")
                        && !value.trim().is_empty()
                        && let Some((i, _)) = current
                    {
                        let range = locate(text, b.range, key.trim(), 0).unwrap_or(b.range);
                        wf.phases[i].gate.criteria.push(Criterion { kind: CriterionKind::Manual, label: value.trim().to_string(), range });
                    }
                    if forbids_markers(trimmed)
                        && let Some((i, _)) = current
                    {
                        phase_marker_note.push(i);
                    }
                }
            }
            BlockKind::Item { checked, .. } => {
                let item_text = b.text.trim();
                if let Some((i, _)) = current {
                    if forbids_markers(item_text) {
                        phase_marker_note.push(i);
                    }
                    // `- Success Criteria: ...` / `- Validation: ...` items (seed 000).
                    if let Some((key, value)) = item_text.split_once(':') {
                        let key_l = key.trim().to_ascii_lowercase();
                        if (key_l == "success criteria" || key_l == "validation") && !value.trim().is_empty() {
                            let range = locate(text, b.range, key.trim(), 0).unwrap_or(b.range);
                            wf.phases[i].gate.criteria.push(Criterion {
                                kind: CriterionKind::Manual,
                                label: value.trim().to_string(),
                                range,
                            });
                        }
                        if key_l == "output produced" || key_l == "deliverables" || key_l == "outputs" {
                            for (code, range) in &b.code_spans {
                                if looks_like_path(code) {
                                    let mut d = Deliverable::new(path, code, *range);
                                    d.optional = is_optional_text(item_text);
                                    wf.phases[i].deliverables.push(d);
                                }
                            }
                        }
                    }
                }
                match &mode {
                    ListMode::Deliverables { require_complete } => {
                        for (code, range) in &b.code_spans {
                            if !looks_like_path(code) {
                                continue;
                            }
                            let mut d = Deliverable::new(path, code, *range);
                            d.optional = is_optional_text(item_text);
                            d.require_complete = *require_complete;
                            match current {
                                Some((i, _)) => wf.phases[i].deliverables.push(d),
                                None if workflow_outputs => wf.deliverables.push(d),
                                None => {}
                            }
                        }
                    }
                    ListMode::States => {
                        let name = item_text.split_whitespace().next().unwrap_or("").trim_matches('`');
                        if !name.is_empty()
                            && let Some(r) = locate(text, b.range, name, 0)
                        {
                            sm.states.push(Named::new(name, r));
                        }
                    }
                    ListMode::Transitions | ListMode::Forbidden => {
                        if let Some((from, to, trigger)) = parse_arrow(item_text) {
                            let t = Transition {
                                from: (!from.to_ascii_lowercase().starts_with("any")).then_some(from),
                                to,
                                trigger,
                                range: b.range,
                            };
                            if mode == ListMode::Forbidden { sm.forbidden.push(t) } else { sm.transitions.push(t) }
                        }
                    }
                    ListMode::Checklist => {
                        if checked.is_none() {
                            mode = ListMode::None;
                        } else if let Some(label) = pending_checklist.take() {
                            // Only a lead-in followed by task-list items is a checklist;
                            // `**Before Starting Implementation**:` over advice bullets is prose.
                            checklist_labels.push(label);
                        }
                    }
                    ListMode::None => {}
                }
            }
            BlockKind::Code { info } => {
                // Arrow diagrams of states (seed 004), in a section about states.
                if in_state_section && (info.is_empty() || info == "text") {
                    read_arrow_diagram(text, b, &mut sm);
                }
            }
        }
    }

    distinguish_parenthetical_ids(&mut wf.phases);
    for i in phase_marker_note {
        for d in &mut wf.phases[i].deliverables {
            d.require_complete = true;
        }
    }
    // Checklists become gate criteria of the phase they guard.
    for (label, range) in checklist_labels {
        let Some(anchor) = checklist_anchor(&label) else { continue };
        let owner = match anchor {
            ChecklistAnchor::Before(name) => phase_by_words(&wf.phases, &name).and_then(|j| j.checked_sub(1)),
            ChecklistAnchor::After(name) => phase_by_words(&wf.phases, &name),
            ChecklistAnchor::Complete => wf.phases.len().checked_sub(1),
        };
        if let Some(i) = owner {
            wf.phases[i].gate.criteria.push(Criterion {
                kind: CriterionKind::ChecklistTicked { file: path.to_string(), section: label.clone() },
                label: label.trim_end_matches(':').to_string(),
                range,
            });
        }
    }
    for phase in &mut wf.phases {
        if !phase.deliverables.is_empty() {
            let range = phase.gate.range.unwrap_or(phase.range);
            phase.gate.criteria.insert(0, Criterion { kind: CriterionKind::DeliverablesExist, label: "deliverables exist".into(), range });
        }
    }
    if !sm.states.is_empty() || !sm.transitions.is_empty() {
        // States used by transitions but not listed are declared implicitly.
        let mut implied: Vec<Named> = Vec::new();
        let mut known: std::collections::HashSet<String> = sm.states.iter().map(|n| n.name.to_ascii_lowercase()).collect();
        for t in sm.transitions.iter().chain(&sm.forbidden) {
            for s in t.from.iter().chain(std::iter::once(&t.to)) {
                if known.insert(s.to_ascii_lowercase()) {
                    implied.push(Named::new(s.clone(), t.range));
                }
            }
        }
        sm.states.extend(implied);
        if sm.range == TextRange::default() {
            sm.range = sm.transitions.first().map_or(TextRange::default(), |t| t.range);
        }
        wf.state_machine = Some(sm);
    }
    wf.name_range = wf.phases.first().map(|p| p.range).or(wf.state_machine.as_ref().map(|s| s.range)).unwrap_or_default();
    wf.recognised_by = recognition(&wf, &phase_list);
    wf
}

/// Phases whose ids collide only because the trailing parenthetical was dropped
/// (`Phase 2: Screen Mockups (existing)`, `Phase 3: Screen Mockups (planned)`) keep it in their
/// ids (`screen-mockups-existing`, `screen-mockups-planned`): they are different phases. Phases
/// whose whole titles are the same keep their ids, and are a `duplicate-id`.
fn distinguish_parenthetical_ids(phases: &mut [Phase]) {
    let full = |title: &str| slug(&title.replace(['(', ')'], " "));
    let mut by_id: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, p) in phases.iter().enumerate() {
        by_id.entry(p.id.clone()).or_default().push(i);
    }
    for list in by_id.values().filter(|l| l.len() > 1) {
        let fulls: Vec<String> = list.iter().map(|&i| full(&phases[i].title)).collect();
        let distinct = fulls.iter().enumerate().all(|(a, x)| fulls.iter().skip(a + 1).all(|y| x != y));
        if distinct {
            for (&i, f) in list.iter().zip(fulls) {
                if !f.is_empty() {
                    phases[i].id = f;
                }
            }
        }
    }
}

/// What makes a document read by the conventions a workflow (docs/conventions.md, "When a file
/// defines a workflow"): at least two phase headings other than `Step N:`, a gate, deliverables
/// or a state machine with a transition. Empty when none holds.
fn recognition(wf: &Workflow, phases: &[PhaseHeading]) -> Vec<Recognition> {
    let mut out = Vec::new();
    if phases.iter().filter(|p| !p.step).count() >= 2 {
        out.push(Recognition::PhaseHeadings);
    }
    let gate =
        |p: &Phase| p.gate.range.is_some() || p.gate.criteria.iter().any(|c| matches!(c.kind, CriterionKind::ChecklistTicked { .. }));
    if wf.phases.iter().any(gate) {
        out.push(Recognition::Gate);
    }
    if !wf.deliverables.is_empty() || wf.phases.iter().any(|p| !p.deliverables.is_empty()) {
        out.push(Recognition::Deliverables);
    }
    if wf.state_machine.as_ref().is_some_and(|sm| !sm.transitions.is_empty()) {
        out.push(Recognition::StateMachine);
    }
    out
}

/// Reads `A → B (trigger)` lines of a code block, `or C (...)` continuation lines (a second
/// target from the same source) and `Any state → X`.
fn read_arrow_diagram(text: &str, block: &Block, sm: &mut StateMachine) {
    let mut last_from: Option<Option<String>> = None;
    let mut offset = block.content.start;
    let code = &text[block.content.start.min(text.len())..block.content.end.min(text.len())];
    for line in crate::text::lines_inclusive(code) {
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end();
        let range = TextRange::new(line_start + (content.len() - content.trim_start().len()), line_start + content.len());
        if let Some((from, to, trigger)) = parse_arrow(content) {
            let from = (!from.to_ascii_lowercase().starts_with("any")).then_some(from);
            last_from = Some(from.clone());
            if sm.range == TextRange::default() {
                sm.range = range;
            }
            sm.transitions.push(Transition { from, to, trigger, range });
            continue;
        }
        let stripped = content.trim_start_matches(|c: char| !c.is_alphanumeric()).trim();
        if let (Some(from), Some(rest)) = (&last_from, stripped.strip_prefix("or ")) {
            let (to, trigger) = match rest.find('(') {
                Some(i) if rest.ends_with(')') => (rest[..i].trim(), Some(rest[i + 1..rest.len() - 1].trim().to_string())),
                _ => (rest.trim(), None),
            };
            if !to.is_empty() && to.chars().all(|c| c.is_alphanumeric() || c == '_') {
                sm.transitions.push(Transition { from: from.clone(), to: to.to_string(), trigger, range });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_headings() {
        assert_eq!(
            phase_heading("Phase 2.5: Integration Reconciliation (NEW!)"),
            Some(("2.5".into(), "Integration Reconciliation (NEW!)".into()))
        );
        assert_eq!(phase_heading("Sub-Workflow 1: Design"), Some(("1".into(), "Design".into())));
        assert_eq!(phase_heading("Phase -1: Pre-flight"), Some(("-1".into(), "Pre-flight".into())));
        assert_eq!(phase_heading("Step 3: Advance Workflow"), Some(("3".into(), "Advance Workflow".into())));
        assert_eq!(phase_heading("Workflow Type"), None);
        assert_eq!(phase_heading("Phases overview: x"), None);
        assert_eq!(phase_heading("Phase 2: "), None);
    }

    /// Issue 7, category 7: a document is a workflow when there is something to check in it. A
    /// tutorial numbered with `Step N:` headings, a one-step agent file and a one-phase note are
    /// not listed by `status` until a state file runs them; each listed workflow says why.
    #[test]
    fn status_lists_only_documents_with_something_to_check() {
        let spec = "//- docs/tutorial.md\n# Tutorial\n## Step 1: Install\n## Step 2: Configure\n## Step 3: Run\n//- steps/step-01-init.md\n---\nname: step-01-init\n---\n# Step 1: Initialise\n//- notes/one.md\n## Phase 1: Explore\n//- guide/steps.md\n## Step 1: Draft\n**Deliverables**:\n- `out/draft.md`\n## Step 2: Review\n//- wf.md\n## Phase 1: Plan\n## Phase 2: Build\n//- journey.md\n### Step 1: Create\n## State Machine\n```\nPENDING → DONE (finished)\n```\n//- run/notes.state.yaml\nworkflow: one\ncurrent: explore\n";
        let ws = crate::diagnostics::fixture::workspace(spec);
        let listed: Vec<String> = ws.status().into_iter().map(|s| format!("{} [{}]", s.path, s.recognised_by.join(", "))).collect();
        assert_eq!(
            listed,
            ["guide/steps.md [deliverables]", "journey.md [state machine]", "notes/one.md [state file]", "wf.md [phase headings]",]
        );
    }

    #[test]
    fn placeholder_titles() {
        for t in ["{Phase Name}", "[Workflow Name]", "[SUB_WORKFLOW_NAME]", "{{name}} - {duration}", "<name>"] {
            assert!(is_placeholder_title(t), "{t}");
        }
        for t in ["Setup [P]", "{x} rollout", "Design (Architecture-First)"] {
            assert!(!is_placeholder_title(t), "{t}");
        }
    }

    #[test]
    fn ids() {
        assert_eq!(task_id("T1: Build cart"), Some("T1"));
        assert_eq!(task_id("T001 [P] Create structure"), Some("T001"));
        assert_eq!(task_id("TASK-3: x"), Some("TASK-3"));
        assert_eq!(task_id("T-BP-001: Create slot_locks table"), Some("T-BP-001"));
        assert_eq!(task_id("T-bp-1 x"), None);
        assert_eq!(task_id("TBD later"), None);
        assert_eq!(task_id("The cart"), None);
        assert_eq!(requirement_id("R1: Users can pay"), Some("R1"));
        assert_eq!(requirement_id("**R7**: Refunds"), Some("R7"));
        assert_eq!(requirement_id("Note: x"), None);
        assert_eq!(requirement_id("P1: must have"), None);
        assert_eq!(requirement_id("P10: x"), Some("P10"));
    }
}
