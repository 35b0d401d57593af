//! A main spec (`openspec/specs/<capability>/spec.md`) read as `openspec validate` reads it, with
//! a range for everything it finds:
//!
//! - the section tree of `MarkdownParser.parseSections` (`src/core/parsers/markdown-parser.ts`):
//!   every `#`..`######` heading outside fenced code; `## Purpose` and `## Requirements` are the
//!   first headings of any level with those titles; requirements are the headings directly under
//!   Requirements, scenarios the headings directly under a requirement that have a body;
//! - the requirement blocks of `extractRequirementsSection` (`requirement-blocks.ts`): the
//!   `### Requirement:` lines of the first `## Requirements` section, for the SHALL/MUST check and
//!   for applying deltas;
//! - the structure of `findMainSpecStructureIssues` (`spec-structure.ts`): delta headers,
//!   requirement headers outside `## Requirements`, duplicate requirement headers;
//! - the Purpose placeholder of `purpose-placeholder.ts` (@fission-ai/openspec 1.13.2).

use super::lines::{self, Doc, JsTrim, js_len, js_trim};
use super::requirement::{self, Block};
use crate::text::TextRange;

/// A heading of the section tree.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    level: usize,
    title: String,
    /// Its line.
    line: usize,
    /// The line after its content (the next heading of its level or above, outside fences).
    end: usize,
    children: Vec<usize>,
}

/// `parseSections`: every heading outside fenced code, with its children. One pass: a line that
/// starts a heading (`^(#{1,6})\s+`, even without a title) ends the content of every open
/// section of its level or deeper (`getContentUntilNextHeader`); a heading with a title opens a
/// section, the child of the nearest heading above it of a lower level.
pub(crate) fn sections(doc: &Doc<'_>) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    // Sections whose content is still open (levels strictly increasing), and the parent chain.
    let mut open: Vec<usize> = Vec::new();
    let mut parents: Vec<usize> = Vec::new();
    for (i, l) in doc.lines.iter().enumerate() {
        if !doc.open(i) || !l.text.starts_with('#') {
            continue;
        }
        let hashes = l.text.len() - l.text.trim_start_matches('#').len();
        if !(1..=6).contains(&hashes) || !l.text[hashes..].starts_with(lines::js_space) {
            continue;
        }
        while open.last().is_some_and(|&s| out[s].level >= hashes) {
            if let Some(s) = open.pop() {
                out[s].end = i;
            }
        }
        let Some((level, title)) = lines::heading(l.text) else { continue };
        while parents.last().is_some_and(|&s| out[s].level >= level) {
            parents.pop();
        }
        let id = out.len();
        if let Some(&parent) = parents.last() {
            out[parent].children.push(id);
        }
        out.push(Section { level, title: title.to_string(), line: i, end: doc.lines.len(), children: Vec::new() });
        parents.push(id);
        open.push(id);
    }
    out
}

/// A section's content as `getContentUntilNextHeader` returns it: its lines joined and trimmed.
fn content(doc: &Doc<'_>, s: &Section) -> String {
    let lines: Vec<&str> = doc.lines[s.line + 1..s.end].iter().map(|l| l.text).collect();
    js_trim(&lines.join("\n")).to_string()
}

/// The range of a section's content: from its first to its last non-blank line (the heading's
/// end when it is empty).
fn content_range(doc: &Doc<'_>, s: &Section) -> TextRange {
    let body = &doc.lines[s.line + 1..s.end];
    let first = body.iter().find(|l| !js_trim(l.text).is_empty());
    let last = body.iter().rev().find(|l| !js_trim(l.text).is_empty());
    match (first, last) {
        (Some(f), Some(l)) => TextRange::new(f.trimmed_range().start, l.trimmed_range().end),
        _ => TextRange::empty(doc.lines[s.line].range().end),
    }
}

/// The first section, in document order, titled `title` (case-insensitively; `findSection`
/// compares `toLowerCase()`, which maps no other character onto the ASCII letters of these
/// titles).
fn find<'s>(sections: &'s [Section], title: &str) -> Option<&'s Section> {
    sections.iter().find(|s| s.title.eq_ignore_ascii_case(title))
}

/// Whether a section has content (`getContentUntilNextHeader(...).trim()` is not empty).
fn has_content(doc: &Doc<'_>, s: &Section) -> bool {
    doc.lines[s.line + 1..s.end].iter().any(|l| !js_trim(l.text).is_empty())
}

/// A section's content as lines, the way `content().split('\n')` gives them: from the first
/// non-blank line to the last, the first without its leading blanks and the last without its
/// trailing ones.
fn content_lines<'a>(doc: &Doc<'a>, s: &Section) -> Vec<lines::Line<'a>> {
    let body = &doc.lines[s.line + 1..s.end];
    let Some(first) = body.iter().position(|l| !js_trim(l.text).is_empty()) else { return Vec::new() };
    let last = body.iter().rposition(|l| !js_trim(l.text).is_empty()).unwrap_or(first);
    let mut out: Vec<lines::Line<'a>> = body[first..=last].to_vec();
    if let Some(l) = out.first_mut() {
        let trimmed = l.text.js_trim_start();
        l.start += l.text.len() - trimmed.len();
        l.text = trimmed;
    }
    if let Some(l) = out.last_mut() {
        l.text = lines::js_trim_end(l.text);
    }
    out
}

/// A requirement as `parseRequirements` reads it: a heading directly under Requirements.
#[derive(Clone, Debug)]
pub(crate) struct SpecRequirement {
    /// The heading, trimmed.
    pub header: TextRange,
    /// Its title (`Requirement: Login`).
    pub title: String,
    /// The length of its text (the body, else the title) in UTF-16 code units.
    pub text_len: usize,
    /// Headings directly under it that have a body: its scenarios.
    pub scenarios: usize,
    /// Whether it writes scenarios as list items (`- **WHEN** ...`) instead of headings.
    pub bullet_scenarios: bool,
    /// Level-4 headings under it with no body.
    pub empty_scenarios: usize,
}

/// What `findMainSpecStructureIssues` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Structure {
    /// `## ADDED Requirements` and the like in a main spec.
    DeltaHeader,
    /// A `### Requirement:` header outside `## Requirements`.
    OutsideRequirements,
    /// A requirement header repeating an earlier one's name, first declared at that range.
    Duplicate { first: TextRange, first_line: usize },
}

/// One structural finding: what, where, and the header as written.
#[derive(Clone, Debug)]
pub(crate) struct StructureIssue {
    pub kind: Structure,
    pub range: TextRange,
    pub header: String,
}

/// Where the Purpose placeholder is, and which rule found it.
#[derive(Clone, Debug)]
pub(crate) struct Placeholder {
    pub range: TextRange,
    /// The sentence `openspec archive` writes, rather than a leading `TBD`/`TODO`.
    pub generated: bool,
}

/// A main spec as the validator reads it.
#[derive(Clone, Debug)]
pub(crate) struct MainSpec {
    /// The file's first heading (its title), or its first line.
    pub title: TextRange,
    /// The section the parse stops at: `Purpose` when there is no non-empty Purpose, else
    /// `Requirements` when there is no Requirements section (`parseSpec` throws).
    pub missing: Option<&'static str>,
    /// An empty `## Purpose` heading, when that is why Purpose counts as missing.
    pub empty_purpose: Option<TextRange>,
    /// The Purpose heading and its content.
    pub purpose: Option<(TextRange, TextRange)>,
    /// The Purpose's length (UTF-16 code units, trimmed).
    pub purpose_len: usize,
    pub placeholder: Option<Placeholder>,
    /// Purpose content that is only template comments or a bracketed placeholder, or holds a
    /// `TBD`/`TODO` marker later than its start (beyond the validator).
    pub purpose_template: Option<TextRange>,
    /// The Requirements heading.
    pub requirements_heading: Option<TextRange>,
    pub requirements: Vec<SpecRequirement>,
    /// The `### Requirement:` blocks of the first `## Requirements` section.
    pub blocks: Vec<Block>,
    pub structure: Vec<StructureIssue>,
}

impl MainSpec {
    pub(crate) fn read(text: &str) -> MainSpec {
        let doc = Doc::new(text);
        let secs = sections(&doc);
        let title = secs.first().map_or_else(|| doc.lines[0].trimmed_range(), |s| doc.lines[s.line].trimmed_range());
        let mut spec = MainSpec {
            title,
            missing: None,
            empty_purpose: None,
            purpose: None,
            purpose_len: 0,
            placeholder: None,
            purpose_template: None,
            requirements_heading: None,
            requirements: Vec::new(),
            blocks: blocks(&doc),
            structure: structure(&doc),
        };
        let purpose = find(&secs, "purpose");
        let purpose_text = purpose.map(|s| content(&doc, s)).unwrap_or_default();
        if purpose_text.is_empty() {
            spec.missing = Some("Purpose");
            spec.empty_purpose = purpose.map(|s| doc.lines[s.line].trimmed_range());
            return spec;
        }
        let Some(purpose) = purpose else { return spec };
        let Some(reqs) = find(&secs, "requirements") else {
            spec.missing = Some("Requirements");
            return spec;
        };
        spec.purpose = Some((doc.lines[purpose.line].trimmed_range(), content_range(&doc, purpose)));
        spec.purpose_len = js_len(&purpose_text);
        spec.placeholder = placeholder(&doc, purpose, &purpose_text);
        spec.purpose_template = template_purpose(&doc, purpose);
        spec.requirements_heading = Some(doc.lines[reqs.line].trimmed_range());
        for &c in &reqs.children {
            let child = &secs[c];
            let b = requirement::body(&content_lines(&doc, child));
            let text_len = if b.has_text { b.len } else { js_len(js_trim(&child.title)) };
            let after = &doc.lines[child.line + 1..child.end];
            let scenarios = child.children.iter().filter(|&&g| has_content(&doc, &secs[g])).count();
            let empty_scenarios = child.children.len() - scenarios;
            spec.requirements.push(SpecRequirement {
                header: doc.lines[child.line].trimmed_range(),
                title: child.title.clone(),
                text_len,
                scenarios,
                bullet_scenarios: requirement::bullet_scenarios(after),
                empty_scenarios,
            });
        }
        spec
    }
}

/// `extractRequirementsSection(...).bodyBlocks`: the `### Requirement:` blocks of the first
/// `## Requirements` section (outside fences); each runs to the next requirement header or `## `.
pub(crate) fn blocks(doc: &Doc<'_>) -> Vec<Block> {
    let Some(header) = (0..doc.lines.len()).find(|&i| doc.open(i) && lines::is_h2_named(doc.lines[i].text, "requirements")) else {
        return Vec::new();
    };
    let end = (header + 1..doc.lines.len()).find(|&i| doc.open(i) && lines::is_h2(doc.lines[i].text)).unwrap_or(doc.lines.len());
    let is_req = |i: usize| doc.open(i) && lines::requirement_header(doc.lines[i].text, false).is_some();
    let mut out = Vec::new();
    let mut i = header + 1;
    while i < end {
        if !is_req(i) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < end && !is_req(i) {
            i += 1;
        }
        let name = lines::requirement_header(doc.lines[start].text, false).unwrap_or("");
        out.push(Block::read(doc, start, i, name, false));
    }
    out
}

/// `findMainSpecStructureIssues`, on the lines outside fenced code.
pub(crate) fn structure(doc: &Doc<'_>) -> Vec<StructureIssue> {
    let text_of = |i: usize| if doc.open(i) { doc.lines[i].text } else { "" };
    let n = doc.lines.len();
    let req_header = (0..n).find(|&i| lines::is_h2_named(text_of(i), "requirements"));
    let req_end = req_header.map_or(n, |h| (h + 1..n).find(|&i| lines::is_h2(text_of(i))).unwrap_or(n));
    let mut out = Vec::new();
    let mut seen: foldhash::HashMap<String, (usize, TextRange)> = Default::default();
    for i in 0..n {
        let line = text_of(i);
        let trimmed = js_trim(line);
        if trimmed.is_empty() {
            continue;
        }
        let range = doc.lines[i].trimmed_range();
        if lines::delta_header(line).is_some() {
            out.push(StructureIssue { kind: Structure::DeltaHeader, range, header: trimmed.to_string() });
            continue;
        }
        let Some(name) = lines::requirement_header(line, true) else { continue };
        let inside = req_header.is_some_and(|h| i > h && i < req_end);
        if !inside {
            out.push(StructureIssue { kind: Structure::OutsideRequirements, range, header: trimmed.to_string() });
            continue;
        }
        let key = requirement::normalize_name(name);
        match seen.get(&key) {
            Some(&(first_line, first)) => {
                out.push(StructureIssue { kind: Structure::Duplicate { first, first_line }, range, header: trimmed.to_string() })
            }
            None => {
                seen.insert(key, (i + 1, range));
            }
        }
    }
    out
}

/// The sentence `openspec archive` writes into a new main spec's Purpose, in two halves around
/// the change's name (`PURPOSE_PLACEHOLDER_PREFIX`/`SUFFIX` of `src/core/validation/constants.ts`).
const GENERATED_PREFIX: &str = "TBD - created by archiving change ";
const GENERATED_SUFFIX: &str = ". Update Purpose after archive.";

/// Whether `c` continues a word for the placeholder rule (`[\p{L}\p{N}\p{M}_]`).
fn word_char(c: char) -> bool {
    c.is_alphanumeric()
        || c == '_'
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Whether `prose` opens with a `TBD`/`TODO` marker (`purpose-placeholder.ts`): in capitals
/// whatever follows, in any other case only before punctuation or the end of a line.
fn leading_marker(prose: &str) -> bool {
    let word = ["TODO", "TBD"].into_iter().find_map(|w| prose.get(..w.len()).filter(|h| h.eq_ignore_ascii_case(w)));
    let Some(word) = word else { return false };
    let after = &prose[word.len()..];
    if after.chars().next().is_some_and(word_char) {
        return false;
    }
    if word == "TBD" || word == "TODO" {
        return true;
    }
    let rest = after.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with(['\n', ':', '-', '\u{2013}', '\u{2014}', '.', ',', ';', '(', ')', '[', ']', '{', '}'])
}

/// The Purpose placeholder (`findPurposePlaceholderIssue`), and where it is: the first line of
/// the Purpose for a leading marker, the line holding the generated sentence otherwise.
fn placeholder(doc: &Doc<'_>, purpose: &Section, overview: &str) -> Option<Placeholder> {
    // Neither rule can match without these letters: most Purposes stop here.
    let lower = overview.to_ascii_lowercase();
    if !lower.contains("tbd") && !lower.contains("todo") {
        return None;
    }
    let inner = Doc::new(overview);
    let prose: Vec<&str> = inner.lines.iter().enumerate().filter(|(i, _)| inner.open(*i)).map(|(_, l)| l.text).collect();
    let prose = prose.join("\n");
    let prose = js_trim(&prose);
    let leading = leading_marker(prose);
    let generated = prose.find(GENERATED_SUFFIX).is_some_and(|s| prose[..s].contains(GENERATED_PREFIX));
    if !leading && !generated {
        return None;
    }
    let body = (purpose.line + 1..purpose.end).filter(|&i| doc.open(i));
    let range = if leading {
        body.map(|i| doc.lines[i]).find(|l| !js_trim(l.text).is_empty()).map(|l| l.trimmed_range())
    } else {
        body.map(|i| doc.lines[i]).find(|l| l.text.contains(GENERATED_PREFIX)).map(|l| l.trimmed_range())
    };
    let range = range.unwrap_or_else(|| doc.lines[purpose.line].trimmed_range());
    Some(Placeholder { range, generated: !leading })
}

/// Beyond the validator: a Purpose that is only template comments (`<!-- ... -->`) or one
/// bracketed placeholder (`[purpose]`, `<purpose>`), or that holds a `TBD`/`TODO` word after its
/// start (the validator reads only a leading one).
fn template_purpose(doc: &Doc<'_>, purpose: &Section) -> Option<TextRange> {
    let body = &doc.lines[purpose.line + 1..purpose.end];
    let first = body.iter().map(|l| js_trim(l.text)).find(|t| !t.is_empty()).unwrap_or("");
    let maybe = first.starts_with(['[', '<']) || body.iter().any(|l| l.text.contains("TBD") || l.text.contains("TODO"));
    if !maybe {
        return None;
    }
    let body: Vec<_> = (purpose.line + 1..purpose.end).map(|i| doc.lines[i]).collect();
    let text: Vec<&str> = body.iter().map(|l| l.text).collect();
    let text = text.join("\n");
    let mut without = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find("<!--") {
        without.push_str(&rest[..open]);
        rest = rest[open..].find("-->").map_or("", |close| &rest[open + close + 3..]);
    }
    without.push_str(rest);
    let t = js_trim(&without);
    let bracketed = (t.starts_with('[') && t.ends_with(']') || t.starts_with('<') && t.ends_with('>'))
        && !t[1..t.len() - 1].contains(['[', ']', '<', '>']);
    let first = body.iter().find(|l| !js_trim(l.text).is_empty()).map(|l| l.trimmed_range());
    if (t.is_empty() && text.contains("<!--")) || (t.len() > 1 && bracketed) {
        return first;
    }
    // A marker word after the start: `Purpose: TBD`, `Handles sessions (TODO: refine)`.
    let skip = usize::from(leading_marker(t));
    for l in &body {
        for word in ["TBD", "TODO"] {
            for (at, _) in l.text.match_indices(word) {
                let before = l.text[..at].chars().next_back();
                let after = l.text[at + word.len()..].chars().next();
                if before.is_some_and(word_char) || after.is_some_and(word_char) {
                    continue;
                }
                if skip == 1 && js_trim(l.text).starts_with(word) && l.text[..at].trim().is_empty() {
                    continue;
                }
                return Some(TextRange::new(l.start + at, l.start + at + word.len()));
            }
        }
    }
    None
}

/// A change's `proposal.md` as `ChangeParser.parseChangeWithDeltas` reads its sections (used by
/// `openspec archive`'s proposal check, `Validator.validateChange`), and the capabilities it
/// lists (`## Capabilities`: `### New Capabilities` and `### Modified Capabilities`, each a
/// `` - `path`: ... `` item, as the spec-driven schema's proposal instruction asks).
#[derive(Clone, Debug, Default)]
pub(crate) struct Proposal {
    /// The file's first heading, or its first line.
    pub title: TextRange,
    /// `Why` when there is no non-empty Why section, else `What Changes` when there is no
    /// non-empty What Changes section (the parse throws).
    pub missing: Option<&'static str>,
    /// The Why section's heading, content range and length (UTF-16 code units, trimmed).
    pub why: Option<(TextRange, TextRange, usize)>,
    /// `- **spec**: description` items of What Changes (the deltas of a proposal without delta
    /// specs).
    pub listed_deltas: usize,
    /// Capabilities listed: their path, whether new, and where.
    pub capabilities: Vec<(String, bool, TextRange)>,
}

impl Proposal {
    pub(crate) fn read(text: &str) -> Proposal {
        let doc = Doc::new(text);
        let secs = sections(&doc);
        let mut p = Proposal {
            title: secs.first().map_or_else(|| doc.lines[0].trimmed_range(), |s| doc.lines[s.line].trimmed_range()),
            ..Proposal::default()
        };
        p.capabilities = capabilities(&doc, &secs);
        let why = find(&secs, "why");
        let why_text = why.map(|s| content(&doc, s)).unwrap_or_default();
        let what = find(&secs, "what changes");
        let what_text = what.map(|s| content(&doc, s)).unwrap_or_default();
        if let Some(w) = why.filter(|_| !why_text.is_empty()) {
            p.why = Some((doc.lines[w.line].trimmed_range(), content_range(&doc, w), js_len(&why_text)));
        }
        if why_text.is_empty() {
            p.missing = Some("Why");
        } else if what_text.is_empty() {
            p.missing = Some("What Changes");
        }
        p.listed_deltas = what_text.split('\n').filter(|l| listed_delta(l)).count();
        p
    }
}

/// `^\s*-\s*\*\*([^*:]+)(?::\*\*|\*\*:)\s*(.+)$`: a `- **spec**: description` item.
fn listed_delta(line: &str) -> bool {
    let t = line.js_trim_start();
    let Some(rest) = t.strip_prefix('-') else { return false };
    let Some(rest) = rest.js_trim_start().strip_prefix("**") else { return false };
    let name_len = rest.find(['*', ':']).unwrap_or(rest.len());
    if name_len == 0 {
        return false;
    }
    let after = &rest[name_len..];
    let Some(desc) = after.strip_prefix(":**").or_else(|| after.strip_prefix("**:")) else { return false };
    let desc = desc.js_trim_start();
    !desc.is_empty() && lines::find_line_terminator(desc).is_none()
}

/// The `` - `path` `` items under `### New Capabilities` and `### Modified Capabilities`.
fn capabilities(doc: &Doc<'_>, secs: &[Section]) -> Vec<(String, bool, TextRange)> {
    let mut out = Vec::new();
    for (title, new) in [("new capabilities", true), ("modified capabilities", false)] {
        let Some(s) = find(secs, title) else { continue };
        for i in s.line + 1..s.end {
            if !doc.open(i) {
                continue;
            }
            let line = doc.lines[i];
            let t = js_trim(line.text);
            let Some(item) = t.strip_prefix(['-', '*']) else { continue };
            let item = item.trim_start();
            let Some(code) = item.strip_prefix('`') else { continue };
            let Some(close) = code.find('`') else { continue };
            let path = code[..close].trim().trim_matches('/');
            let placeholder = path.is_empty()
                || path.contains(['<', '>', ' ', '{', '['])
                || path.split('/').any(|seg| seg == ".." || seg.starts_with('.'));
            if !placeholder {
                out.push((path.to_string(), new, line.range_of(&code[..close])));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_requirements_and_scenarios() {
        let text = "# Auth Specification\n\n## Purpose\nLets users sign in with a password and keeps them signed in for a day.\n\n## Requirements\n\n### Requirement: Login\nThe system SHALL accept a password.\n\n#### Scenario: Good password\n- **WHEN** it is right\n\n#### Scenario: Empty\n\n### Requirement: Logout\nUsers can leave.\n\n- **WHEN** they click\n";
        let s = MainSpec::read(text);
        assert_eq!(s.missing, None);
        assert_eq!(
            s.requirements.iter().map(|r| (r.title.as_str(), r.scenarios, r.empty_scenarios)).collect::<Vec<_>>(),
            [("Requirement: Login", 1, 1), ("Requirement: Logout", 0, 0)]
        );
        assert!(s.requirements[1].bullet_scenarios);
        assert_eq!(s.blocks.iter().map(|b| (b.name.as_str(), b.has_keyword)).collect::<Vec<_>>(), [("Login", true), ("Logout", false)]);
        assert!(s.structure.is_empty());
        assert_eq!(&text[s.purpose.map(|p| p.1).unwrap_or_default().start..][..4], "Lets");
    }

    #[test]
    fn missing_sections_and_structure() {
        assert_eq!(MainSpec::read("# X\n## Purpose\n\n## Requirements\n").missing, Some("Purpose"));
        assert_eq!(MainSpec::read("# X\n## Purpose\nSome purpose.\n").missing, Some("Requirements"));
        let s = MainSpec::read(
            "# X\n## Purpose\nP.\n### Requirement: Early\n## Requirements\n### Requirement: A\n### Requirement: A ##\n```\n## ADDED Requirements\n```\n## ADDED Requirements\n",
        );
        let kinds: Vec<_> = s.structure.iter().map(|i| (i.kind.clone(), i.header.clone())).collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert_eq!(kinds[0].0, Structure::OutsideRequirements);
        assert!(matches!(kinds[1].0, Structure::Duplicate { first_line: 6, .. }));
        assert_eq!(kinds[2].0, Structure::DeltaHeader);
    }

    #[test]
    fn placeholders() {
        for (purpose, found) in [
            ("TBD", true),
            ("TODO write this later", true),
            ("todo - write it", true),
            ("Todo el sistema funciona bien para todos los usuarios registrados.", false),
            ("TBDs are fine", false),
            ("Intro.\nTBD - created by archiving change add-x. Update Purpose after archive.", true),
        ] {
            let s = MainSpec::read(&format!("# X\n## Purpose\n{purpose}\n## Requirements\n"));
            assert_eq!(s.placeholder.is_some(), found, "{purpose}");
        }
        let s = MainSpec::read("# X\n## Purpose\n<!-- what it is for -->\n## Requirements\n");
        assert!(s.purpose_template.is_some() && s.placeholder.is_none());
        let s = MainSpec::read("# X\n## Purpose\nHandles sessions; the expiry is TBD for now.\n## Requirements\n");
        assert!(s.purpose_template.is_some());
    }

    #[test]
    fn proposals() {
        let p = Proposal::read(
            "# Change\n## Why\nShort.\n## What Changes\n- **auth**: add login\n- plain\n## Capabilities\n### New Capabilities\n- `user-auth`: sign in\n- `<capability-path>`: template\n### Modified Capabilities\n- `billing/invoices`: totals\n",
        );
        assert_eq!(p.missing, None);
        assert_eq!(p.why.map(|w| w.2), Some(6));
        assert_eq!(p.listed_deltas, 1);
        assert_eq!(
            p.capabilities.iter().map(|c| (c.0.as_str(), c.1)).collect::<Vec<_>>(),
            [("user-auth", true), ("billing/invoices", false)]
        );
        assert_eq!(Proposal::read("# C\n## What Changes\nx\n").missing, Some("Why"));
        assert_eq!(Proposal::read("# C\n## Why\nx\n## What Changes\n").missing, Some("What Changes"));
    }
}
