//! An OpenSpec task list (`tasks.md`, or the file a schema's `apply.tracks` names) read as
//! `src/utils/task-progress.ts` `parseTaskLines` reads it (every list item with a one-character
//! checkbox counts, `x` in any case is done), with the numbering of
//! `src/core/validation/task-numbering.ts` (`## N.` groups, `N.M` task ids) and the first list
//! item without a checkbox of `task-checkboxes.ts` (@fission-ai/openspec 1.13.2).

use super::lines::{self, JsTrim, js_space, js_trim};
use crate::text::TextRange;

/// `TASK_LINE_PATTERN`: the checkbox state and description of a task line. The bullet is `-`,
/// `*`, `+` or `1.`/`1)` (up to nine digits); the box holds at most one non-blank character and
/// is not followed by `(` or `[` (a link), unless it is blank inside.
pub(crate) fn task_line(line: &str) -> Option<(bool, &str)> {
    let t = line.js_trim_start();
    let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        t[digits..].strip_prefix(['.', ')'])?
    };
    let rest = rest.js_trim_start().strip_prefix('[')?;
    // Alternative 1: `\s*([^\]\s]?)\s*\](?![([])`.
    let inner = rest.js_trim_start();
    let mut mark = None;
    let mut after_mark = inner;
    if let Some(c) = inner.chars().next()
        && c != ']'
        && !js_space(c)
    {
        mark = Some(c);
        after_mark = &inner[c.len_utf8()..];
    }
    let first = after_mark.js_trim_start().strip_prefix(']').filter(|r| !r.starts_with(['(', '[']));
    // Without the mark (when it was taken), the box may still close: `[ ]` needs no mark.
    let (done, after) = match first {
        Some(r) => (mark.is_some_and(|c| c.eq_ignore_ascii_case(&'x')), r),
        None => {
            // Alternative 2: `\s+\]` (a blank box, whatever follows it).
            let blanks = rest.len() - rest.js_trim_start().len();
            match rest[blanks..].strip_prefix(']') {
                Some(r) if blanks > 0 => (false, r),
                _ => return None,
            }
        }
    };
    let description = after.js_trim_start();
    let end = lines::find_line_terminator(description).unwrap_or(description.len());
    Some((done, js_trim(&description[..end])))
}

/// `^ {0,3}##(?!#)(?:[ \t]+|[ \t]*$)`: a level-2 heading (of `task-numbering.ts`).
fn level_two(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let Some(rest) = line[indent..].strip_prefix("##") else { return false };
    !rest.starts_with('#') && (rest.starts_with([' ', '\t']) || rest.trim_matches([' ', '\t']).is_empty())
}

/// `^ {0,3}##[ \t]+(\d+)\.(?:[ \t]|$)`: a numbered group heading's number.
fn group_number(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix("##")?;
    let body = rest.trim_start_matches([' ', '\t']);
    if body.len() == rest.len() {
        return None;
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let after = body[digits..].strip_prefix('.')?;
    (digits > 0 && (after.is_empty() || after.starts_with([' ', '\t']))).then(|| &body[..digits])
}

/// `^(\d+(?:\.\d+)+(?:[A-Za-z]+)?)(?=\s|$)`: a task id at the start of a description.
fn task_id(description: &str) -> Option<&str> {
    let b = description.as_bytes();
    let mut i = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if i == 0 {
        return None;
    }
    let mut parts = 0;
    while b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        i += b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        parts += 1;
    }
    if parts == 0 {
        return None;
    }
    i += b[i..].iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let next = description[i..].chars().next();
    next.is_none_or(js_space).then(|| &description[..i])
}

/// A numbering problem: a task under the wrong group, or a task id used twice.
#[derive(Clone, Debug)]
pub(crate) enum Numbering {
    /// Task `id` is under group `group` but its number says `points_to`.
    WrongGroup { id: String, group: String, points_to: String },
    /// Task `id` was first declared at `first`, on line `first_line` (1-based).
    Duplicate { id: String, first: TextRange, first_line: usize },
}

/// `findTaskNumberingIssues` over one task file (the built-in schema tracks one, `tasks.md`):
/// when it has numbered groups, tasks under a `## N.` group whose id does not start with `N`,
/// and ids seen before.
pub(crate) fn numbering(text: &str) -> Vec<(TextRange, Numbering)> {
    let mut out = Vec::new();
    let mut first: foldhash::HashMap<&str, (usize, TextRange)> = Default::default();
    // The validator splits at `\n` only; a `\r` before it is allowed by its patterns.
    let mut raw: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        raw.push((start, &text[start..i]));
        start = i + 1;
    }
    raw.push((start, &text[start..]));
    let strip_cr = |l: &'_ str| -> usize { l.strip_suffix('\r').map_or(l.len(), str::len) };
    if !raw.iter().any(|(_, l)| group_number(&l[..strip_cr(l)]).is_some()) {
        return out;
    }
    let mut group: Option<&str> = None;
    for (index, &(start, line)) in raw.iter().enumerate() {
        let l = &line[..strip_cr(line)];
        if level_two(l) {
            group = group_number(l);
        }
        let Some(g) = group else { continue };
        let Some((_, description)) = task_line(line) else { continue };
        let Some(id) = task_id(description) else { continue };
        let range = super::lines::Line { text: l, start }.trimmed_range();
        let task_group = id.split('.').next().unwrap_or("");
        let strip = |s: &str| {
            let t = s.trim_start_matches('0');
            if t.is_empty() { "0".to_string() } else { t.to_string() }
        };
        if strip(task_group) != strip(g) {
            out.push((range, Numbering::WrongGroup { id: id.to_string(), group: g.to_string(), points_to: task_group.to_string() }));
        }
        match first.get(id) {
            Some(&(line_no, r)) => out.push((range, Numbering::Duplicate { id: id.to_string(), first: r, first_line: line_no })),
            None => {
                first.insert(id, (index + 1, range));
            }
        }
    }
    out
}

/// `LIST_ITEM`: `^\s*(?:[-*+]|\d{1,9}[.)])\s+\S`.
fn list_item(line: &str) -> bool {
    let t = line.js_trim_start();
    let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=9).contains(&digits) {
            return false;
        }
        match t[digits..].strip_prefix(['.', ')']) {
            Some(r) => r,
            None => return false,
        }
    };
    let body = rest.js_trim_start();
    body.len() < rest.len() && !body.is_empty()
}

/// Leading whitespace in columns, a tab to the next multiple of four.
fn indent_columns(line: &str) -> usize {
    let mut col = 0;
    for c in line.chars() {
        match c {
            ' ' => col += 1,
            '\t' => col += 4 - col % 4,
            _ => break,
        }
    }
    col
}

/// `findFirstListItemLine`: the first list item of the rendered text (front matter, fenced
/// blocks, HTML comments opening a line and indented code skipped).
pub(crate) fn first_list_item(text: &str) -> Option<TextRange> {
    let all: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices('\n') {
            v.push((start, &text[start..i]));
            start = i + 1;
        }
        v.push((start, &text[start..]));
        v
    };
    let is_fm = |l: &str| l.js_trim_end() == "---";
    let mut index = 0;
    if all.first().is_some_and(|(_, l)| is_fm(l.trim_start_matches('\u{FEFF}')))
        && let Some(close) = (1..all.len()).find(|&i| is_fm(all[i].1))
    {
        index = close + 1;
    }
    let mut fence: Option<(char, usize)> = None;
    let mut comment = false;
    for &(start, line) in &all[index.min(all.len())..] {
        if comment {
            if line.contains("-->") {
                comment = false;
            }
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let run = line[indent..]
            .chars()
            .next()
            .filter(|c| *c == '`' || *c == '~')
            .map(|c| (c, line[indent..].chars().take_while(|x| *x == c).count()));
        if indent <= 3
            && let Some((marker, len)) = run.filter(|r| r.1 >= 3)
        {
            match fence {
                None => fence = Some((marker, len)),
                Some((m, l)) if m == marker && len >= l && js_trim(&line[indent + len..]).is_empty() => fence = None,
                Some(_) => {}
            }
            continue;
        }
        if fence.is_some() {
            continue;
        }
        let t = line.js_trim_start();
        if let Some(after) = t.strip_prefix("<!--") {
            if !after.contains("-->") {
                comment = true;
            }
            continue;
        }
        if list_item(line) && indent_columns(line) < 4 {
            let l = line.strip_suffix('\r').unwrap_or(line);
            return Some(crate::frameworks::openspec::lines::Line { text: l, start }.trimmed_range());
        }
    }
    None
}

/// The tasks of a task file in phasegate's model ([`crate::model::Task`]), for the editor
/// features every framework's tasks get (lenses, symbols, hover): each task line whose
/// description starts with a task id (`- [ ] 1.1 Create the table`, the numbering of the
/// built-in `spec-driven` template), ticked when OpenSpec counts it done (`x` in any case), under
/// the nearest heading of level 2 or deeper (`## 1. Database`). A task line without an id has no
/// name to point at and is left out; a repeated id counts as its first task (the second is
/// `openspec-task-numbering`). Gathered line by line beside [`TaskFacts`]
/// ([`TaskFacts::read_with_tasks`]).
#[derive(Default)]
struct ModelTasks<'a> {
    out: Vec<crate::model::Task>,
    seen: foldhash::HashSet<&'a str>,
    section: Option<String>,
}

impl<'a> ModelTasks<'a> {
    /// Takes one line of the file: a heading opens a section, a task line with an id is a task.
    fn line(&mut self, line: &lines::Line<'a>, task: Option<(bool, &'a str)>) {
        if let Some(title) = heading(line.text) {
            self.section = Some(title.to_string());
            return;
        }
        let Some((done, description)) = task else { return };
        let Some(id) = task_id(description) else { return };
        if !self.seen.insert(id) {
            return;
        }
        let title = js_trim(&description[id.len()..]);
        self.out.push(crate::model::Task {
            id: crate::model::Named::new(id, line.range_of(id)),
            checked: Some(done),
            title: title.to_string(),
            labels: Vec::new(),
            section: self.section.clone(),
            implements: Vec::new(),
            depends_on: Vec::new(),
            range: line.trimmed_range(),
        });
    }
}

/// The text of an ATX heading of level 2 to 6 (`## 1. Database` gives `1. Database`).
fn heading(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let hashes = line[indent..].bytes().take_while(|b| *b == b'#').count();
    if !(2..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[indent + hashes..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let title = rest.trim_matches([' ', '\t']);
    // A closing sequence of `#`s counts only after a blank (`## C#` keeps its `#`).
    let closed = title.trim_end_matches('#');
    let title = if closed.is_empty() || closed.ends_with([' ', '\t']) { closed.trim_end_matches([' ', '\t']) } else { title };
    Some(title).filter(|t| !t.is_empty())
}

/// What the task checks need from one task file, read once per file version.
#[derive(Clone, Debug, Default)]
pub(crate) struct TaskFacts {
    /// Task lines (`parseTaskLines`), and how many are done.
    pub total: usize,
    pub done: usize,
    /// The first open task: where, and its description.
    pub first_open: Option<(TextRange, String)>,
    /// The numbering problems of the file on its own (the built-in schema tracks one file).
    pub numbering: Vec<(TextRange, Numbering)>,
    /// Its first list item (for a file without checkboxes).
    pub first_list_item: Option<TextRange>,
}

impl TaskFacts {
    pub(crate) fn read(text: &str) -> TaskFacts {
        TaskFacts::read_with(text, None)
    }

    /// [`TaskFacts::read`], and the file's tasks in phasegate's model ([`ModelTasks`]) from the
    /// same reading of its lines.
    pub(crate) fn read_with_tasks(text: &str) -> (TaskFacts, Vec<crate::model::Task>) {
        let mut tasks = ModelTasks::default();
        let facts = TaskFacts::read_with(text, Some(&mut tasks));
        (facts, tasks.out)
    }

    fn read_with<'a>(text: &'a str, mut tasks: Option<&mut ModelTasks<'a>>) -> TaskFacts {
        let (mut total, mut done, mut first_open) = (0, 0, None);
        for line in lines::split(text) {
            let task = task_line(line.text);
            if let Some((is_done, description)) = task {
                total += 1;
                if is_done {
                    done += 1;
                } else if first_open.is_none() {
                    first_open = Some((line.trimmed_range(), description.to_string()));
                }
            }
            if let Some(tasks) = tasks.as_deref_mut() {
                tasks.line(&line, task);
            }
        }
        TaskFacts {
            total,
            done,
            first_open,
            numbering: numbering(text),
            first_list_item: if total == 0 { first_list_item(text) } else { None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_lines_as_openspec_counts_them() {
        let cases = [
            ("- [ ] 1.1 Do", Some((false, "1.1 Do"))),
            ("  * [x] done", Some((true, "done"))),
            ("+ [X]done", Some((true, "done"))),
            ("1. [ ] numbered", Some((false, "numbered"))),
            ("12) [~] tilde", Some((false, "tilde"))),
            ("- [] empty", Some((false, "empty"))),
            ("- [ x ] padded", Some((true, "padded"))),
            ("- [Doc](./doc.md)", None),
            ("- [A](https://x)", None),
            ("- [ ](x) blank box", Some((false, "(x) blank box"))),
            ("- [WIP] work", None),
            ("- plain", None),
            ("1234567890. [ ] too long", None),
        ];
        for (line, expected) in cases {
            assert_eq!(task_line(line), expected, "{line}");
        }
    }

    #[test]
    fn numbering_and_duplicates() {
        let a = "# Tasks\n\n## 1. Setup\n- [ ] 1.1 a\n- [ ] 2.1 b\n\n## 2. Build\n- [x] 2.1 c\n- [ ] 2.1a d\n## Notes\n- [ ] 9.9 ignored\n## 03. Padded\r\n- [ ] 3.1 fine\r\n";
        let found: Vec<String> = numbering(a)
            .into_iter()
            .map(|(_, n)| match n {
                Numbering::WrongGroup { id, group, points_to } => format!("{id} in {group} -> {points_to}"),
                Numbering::Duplicate { id, first_line, .. } => format!("dup {id} first {first_line}"),
            })
            .collect();
        assert_eq!(found, ["2.1 in 1 -> 2", "dup 2.1 first 5"]);
        assert!(numbering("## Setup\n- [ ] 1.1 x\n- [ ] 1.1 y\n").is_empty());
    }

    #[test]
    fn first_list_item_skips_what_is_not_rendered() {
        let text = "---\ntags:\n  - a\n---\n<!--\n- in comment\n-->\n```\n- in code\n```\n    - indented code\n## 1. Group\n- 1.1 a task without a box\n";
        let r = first_list_item(text).unwrap_or_default();
        assert_eq!(&text[r.start..r.end], "- 1.1 a task without a box");
        assert_eq!(first_list_item("# Tasks\nNothing.\n"), None);
    }
}
