//! A delta spec (`openspec/changes/<change>/specs/<capability>/spec.md`) read as `parseDeltaSpec`
//! (`src/core/parsers/requirement-blocks.ts`) reads it: its `## ` sections, the entries of
//! `## ADDED`/`MODIFIED`/`REMOVED`/`RENAMED Requirements` (every copy of a section header, any
//! case), RENAMED `FROM:`/`TO:` pairs and the lines that never formed one, `### Requirement:`
//! headers outside the delta sections, and `###` headers the reader skips. Every entry keeps its
//! range.

use super::lines::{self, Doc, JsTrim, js_space, js_trim};
use super::requirement::{self, Block};
use crate::model::Named;
use crate::text::TextRange;

/// The four operations, in the order the validator reports them.
pub(crate) const OPERATIONS: [&str; 4] = ["ADDED", "MODIFIED", "REMOVED", "RENAMED"];

/// A RENAMED pair.
#[derive(Clone, Debug)]
pub(crate) struct Rename {
    pub from: Named,
    pub to: Named,
}

/// A `FROM:` or `TO:` line that formed no pair.
#[derive(Clone, Debug)]
pub(crate) struct Unpaired {
    /// `FROM` or `TO`.
    pub side: &'static str,
    pub name: Named,
}

/// A `### Requirement:` header outside the delta sections, and the section it is under.
#[derive(Clone, Debug)]
pub(crate) struct Orphan {
    pub name: Named,
    pub section: Option<String>,
}

/// A `### ` header in ADDED or MODIFIED that is not a `### Requirement:` header.
#[derive(Clone, Debug)]
pub(crate) struct SkippedHeader {
    pub header: String,
    /// The section as first spelled (`ADDED Requirements`).
    pub section: String,
    pub range: TextRange,
}

/// What a delta spec holds.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeltaSpec {
    /// The first header of each operation's section ([`OPERATIONS`] order), when present.
    pub sections: [Option<TextRange>; 4],
    pub added: Vec<Block>,
    pub modified: Vec<Block>,
    /// REMOVED names (headers and `- ### Requirement:` bullets), each at its line.
    pub removed: Vec<Named>,
    /// REMOVED entries written as headers, with their bodies (for **Reason**/**Migration**).
    pub removed_blocks: Vec<Block>,
    pub renamed: Vec<Rename>,
    pub unpaired: Vec<Unpaired>,
    pub orphans: Vec<Orphan>,
    pub skipped: Vec<SkippedHeader>,
    /// The file's first heading, or its first line: where findings about the file as a whole go.
    pub title: TextRange,
    /// Whether the file on its own has an error the validator reports (set when the file is
    /// read, from `deltas::check_file`): `openspec validate` then does not dry-run archive on it.
    pub has_error: bool,
    /// The file's findings on its own (`deltas::check_file`), found when it is read and reported
    /// with the file's other diagnostics.
    pub findings: Vec<crate::diagnostics::Diagnostic>,
}

impl DeltaSpec {
    /// Whether any delta section header is there.
    pub(crate) fn has_sections(&self) -> bool {
        self.sections.iter().any(Option::is_some)
    }

    /// The number of entries: ADDED, MODIFIED, REMOVED and RENAMED together.
    pub(crate) fn entries(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len() + self.renamed.len()
    }

    pub(crate) fn read(text: &str) -> DeltaSpec {
        let doc = Doc::new(text);
        let n = doc.lines.len();
        // `splitTopLevelSections`: each `## ` heading outside fences, its body up to the next.
        let heads: Vec<(usize, &str)> =
            (0..n).filter(|&i| doc.open(i)).filter_map(|i| lines::h2_title(doc.lines[i].text).map(|t| (i, t))).collect();
        let mut spec = DeltaSpec {
            title: doc.lines.iter().find(|l| !js_trim(l.text).is_empty()).map_or(TextRange::empty(0), |l| l.trimmed_range()),
            ..DeltaSpec::default()
        };
        let bodies = |op: usize| -> Vec<(usize, usize)> {
            let wanted = format!("{} requirements", OPERATIONS[op].to_ascii_lowercase());
            heads
                .iter()
                .enumerate()
                .filter(|(_, (_, t))| t.eq_ignore_ascii_case(&wanted))
                .map(|(k, (i, _))| (*i, heads.get(k + 1).map_or(n, |h| h.0)))
                .collect()
        };
        let title_of = |op: usize| -> String {
            let wanted = format!("{} requirements", OPERATIONS[op].to_ascii_lowercase());
            heads
                .iter()
                .find(|(_, t)| t.eq_ignore_ascii_case(&wanted))
                .map_or_else(|| format!("{} Requirements", OPERATIONS[op]), |(_, t)| t.to_string())
        };
        for op in 0..4 {
            let found = bodies(op);
            spec.sections[op] = found.first().map(|(i, _)| doc.lines[*i].trimmed_range());
            for (header, end) in found {
                match op {
                    0 => spec.added.extend(blocks(&doc, header + 1, end, Some((&title_of(0), &mut spec.skipped)), false)),
                    1 => spec.modified.extend(blocks(&doc, header + 1, end, Some((&title_of(1), &mut spec.skipped)), false)),
                    2 => {
                        spec.removed.extend(removed_names(&doc, header + 1, end));
                        spec.removed_blocks.extend(blocks(&doc, header + 1, end, None, true));
                    }
                    _ => renamed_pairs(&doc, header + 1, end, &mut spec.renamed, &mut spec.unpaired),
                }
            }
        }
        spec.unpaired.sort_by_key(|u| u.name.range.start);
        spec.skipped.sort_by_key(|s| s.range.start);
        spec.orphans = orphans(&doc);
        spec
    }
}

/// `parseRequirementBlocksFromSection` over lines `from..to`: each `### Requirement:` header (the
/// `###\s*` pattern) up to the next one or a `## ` line. Other `### ` headers are recorded in
/// `skipped` (for ADDED and MODIFIED).
fn blocks(doc: &Doc<'_>, from: usize, to: usize, mut skipped: Option<(&str, &mut Vec<SkippedHeader>)>, removed: bool) -> Vec<Block> {
    let is_req = |i: usize| doc.open(i) && lines::requirement_header(doc.lines[i].text, false).is_some();
    let is_top = |i: usize| doc.open(i) && lines::is_h2(doc.lines[i].text);
    let mut record = |i: usize| {
        if let Some((section, sink)) = skipped.as_mut()
            && doc.open(i)
            && let Some(h) = h3(doc.lines[i].text)
            && lines::requirement_header(doc.lines[i].text, false).is_none()
        {
            sink.push(SkippedHeader { header: h.to_string(), section: section.to_string(), range: doc.lines[i].trimmed_range() });
        }
    };
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        while i < to && !is_req(i) {
            record(i);
            i += 1;
        }
        if i >= to {
            break;
        }
        let start = i;
        i += 1;
        while i < to && !is_req(i) && !is_top(i) {
            record(i);
            i += 1;
        }
        let name = lines::requirement_header(doc.lines[start].text, false).unwrap_or("");
        out.push(Block::read(doc, start, i, name, removed));
    }
    out
}

/// `^###\s+(.+?)\s*$`: a level-3 header's trimmed text.
fn h3(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("###")?;
    if !rest.starts_with(js_space) {
        return None;
    }
    let t = js_trim(rest);
    (!t.is_empty() && lines::find_line_terminator(t).is_none()).then_some(t)
}

/// After `prefix` (matched exactly), `\s*` then an optional backtick, `###`, `\s*`, `Requirement:`
/// (exact case), `\s*`, and a name up to an optional closing backtick: the name, normalised.
fn backticked_requirement(rest: &str) -> Option<String> {
    let rest = rest.js_trim_start();
    let rest = rest.strip_prefix('`').unwrap_or(rest);
    let rest = rest.strip_prefix("###")?.js_trim_start();
    let raw = rest.strip_prefix("Requirement:")?;
    if raw.is_empty() || lines::find_line_terminator(raw).is_some() {
        return None;
    }
    let name = raw.js_trim_start();
    let name = if name.is_empty() { raw } else { name };
    let name = name.js_trim_end();
    let name = name.strip_suffix('`').unwrap_or(name);
    Some(requirement::normalize_name(name))
}

/// `parseRemovedNames`: `### Requirement:` headers and `- ### Requirement:` bullets.
fn removed_names(doc: &Doc<'_>, from: usize, to: usize) -> Vec<Named> {
    let mut out = Vec::new();
    for i in from..to {
        if !doc.open(i) {
            continue;
        }
        let line = doc.lines[i];
        if let Some(name) = lines::requirement_header(line.text, false) {
            out.push(Named::new(requirement::normalize_name(name), line.trimmed_range()));
            continue;
        }
        let t = line.text.js_trim_start();
        if let Some(rest) = t.strip_prefix(['-', '*', '+'])
            && let Some(name) = backticked_requirement(rest)
        {
            out.push(Named::new(name, line.trimmed_range()));
        }
    }
    out
}

/// `parseRenamedPairs`: a `FROM:` followed by a `TO:` with no other `FROM:` between; the rest
/// are unpaired.
fn renamed_pairs(doc: &Doc<'_>, from: usize, to: usize, pairs: &mut Vec<Rename>, unpaired: &mut Vec<Unpaired>) {
    let mut pending: Option<Named> = None;
    for i in from..to {
        if !doc.open(i) {
            continue;
        }
        let line = doc.lines[i];
        let t = line.text.js_trim_start();
        let t = t.strip_prefix(['-', '*', '+']).unwrap_or(t).js_trim_start();
        let side = |key: &str| t.strip_prefix(key).and_then(backticked_requirement);
        if let Some(name) = side("FROM:") {
            if let Some(p) = pending.take() {
                unpaired.push(Unpaired { side: "FROM", name: p });
            }
            pending = Some(Named::new(name, line.trimmed_range()));
        } else if let Some(name) = side("TO:") {
            let to = Named::new(name, line.trimmed_range());
            match pending.take() {
                Some(from) => pairs.push(Rename { from, to }),
                None => unpaired.push(Unpaired { side: "TO", name: to }),
            }
        }
    }
    if let Some(p) = pending {
        unpaired.push(Unpaired { side: "FROM", name: p });
    }
}

/// `findOrphanedRequirements`: `### Requirement:` headers above the first `## ` or under a `## `
/// that is not a delta section.
fn orphans(doc: &Doc<'_>) -> Vec<Orphan> {
    let titles: Vec<String> = OPERATIONS.iter().map(|o| format!("{} requirements", o.to_ascii_lowercase())).collect();
    let mut section: Option<String> = None;
    let mut out = Vec::new();
    for (i, line) in doc.lines.iter().enumerate() {
        if !doc.open(i) {
            continue;
        }
        if let Some(t) = lines::h2_title(line.text) {
            section = Some(t.to_string());
            continue;
        }
        if section.as_ref().is_some_and(|s| titles.iter().any(|t| t.eq_ignore_ascii_case(s))) {
            continue;
        }
        if let Some(name) = lines::requirement_header(line.text, false) {
            out.push(Orphan { name: Named::new(requirement::normalize_name(name), line.trimmed_range()), section: section.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_operation() {
        let text = "# Delta\n\n### Requirement: Too early\n\n## ADDED Requirements\n\n### Requirement: New\nThe system SHALL x.\n\n#### Scenario: S\n- WHEN y\n\n### Notes\n\n## Modified Requirements\n### Requirement: Old\nText.\n\n## REMOVED Requirements\n### Requirement: Gone\n**Reason**: r\n- `### Requirement: Also gone`\n* ### Requirement: Third\n\n## RENAMED Requirements\n- FROM: `### Requirement: A`\n- TO: `### Requirement: B`\n- FROM: `### Requirement: C`\n+ FROM: `### Requirement: D`\n- TO: `### Requirement: E`\nTO: ### Requirement: F\n\n## ADDED Requirements\n### Requirement: Second copy ##\nx\n## Notes\n### Requirement: Orphan\n";
        let d = DeltaSpec::read(text);
        assert!(d.sections.iter().all(Option::is_some));
        let names = |b: &[Block]| b.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.added), ["New", "Second copy"]);
        assert_eq!(names(&d.modified), ["Old"]);
        assert_eq!(d.removed.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["Gone", "Also gone", "Third"]);
        assert!(d.removed_blocks[0].reason && !d.removed_blocks[0].migration);
        assert_eq!(d.renamed.iter().map(|r| (r.from.name.as_str(), r.to.name.as_str())).collect::<Vec<_>>(), [("A", "B"), ("D", "E")]);
        assert_eq!(d.unpaired.iter().map(|u| (u.side, u.name.name.as_str())).collect::<Vec<_>>(), [("FROM", "C"), ("TO", "F")]);
        assert_eq!(
            d.skipped.iter().map(|s| (s.header.as_str(), s.section.as_str())).collect::<Vec<_>>(),
            [("Notes", "ADDED Requirements")]
        );
        assert_eq!(
            d.orphans.iter().map(|o| (o.name.name.as_str(), o.section.clone())).collect::<Vec<_>>(),
            [("Too early", None), ("Orphan", Some("Notes".to_string()))]
        );
        assert_eq!(&text[d.added[0].header.start..d.added[0].header.end], "### Requirement: New");
    }

    #[test]
    fn fenced_headers_are_not_entries() {
        let d = DeltaSpec::read("## ADDED Requirements\n```\n### Requirement: Example\n```\n");
        assert!(d.has_sections() && d.entries() == 0);
        assert!(!DeltaSpec::read("# Notes\nNothing here.\n").has_sections());
    }
}
