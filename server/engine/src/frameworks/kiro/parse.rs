//! Kiro's spec documents read line by line: `requirements.md` (`### Requirement N` headings, each
//! with numbered acceptance criteria `N.M`), `tasks.md` (`- [ ] 1. ...`, `  - [ ] 1.1 ...`, optional
//! tasks marked `*`) and the references both `tasks.md` and `design.md` make back to requirements
//! (`_Requirements: 1.1, 2.3_`, ranges `1.1–1.7`, `**Validates: Requirements 1.1**`) and to tasks
//! (`_Depends: 4.1_`).
//!
//! The forms come from Kiro's documentation (kiro.dev/docs/specs: requirements in EARS notation,
//! "Requirement N" with acceptance criteria, the task list's numbered checkboxes) and from the
//! documents Kiro and cc-sdd write (`_Depends:`, `(P)`, optional `*` tasks). Fenced code blocks are
//! skipped. Offsets are bytes of the text given; every scan is linear in it.

use crate::text::TextRange;

/// One line of a text: its range (without the line break) and its content.
struct Line<'a> {
    start: usize,
    text: &'a str,
}

/// The lines of `text` outside fenced code blocks (a fence is ```` ``` ```` or `~~~` after at most
/// three spaces; the fence lines themselves are left out too) and outside HTML comments that start
/// a line (`<!-- ... -->`, over one line or several).
fn lines_outside_code(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut fence: Option<(u8, usize)> = None;
    let mut comment = false;
    for raw in crate::text::lines_inclusive(text) {
        let start = offset;
        offset += raw.len();
        let line = crate::text::trim_break(raw);
        if fence.is_none() && (comment || line.trim_start().starts_with("<!--")) {
            let body = line.trim_start().strip_prefix("<!--").unwrap_or(line);
            comment = !body.contains("-->");
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let run = |c: u8| rest.bytes().take_while(|b| *b == c).count();
        let opener = if indent <= 3 {
            match rest.as_bytes().first() {
                Some(b'`') if run(b'`') >= 3 => Some((b'`', run(b'`'))),
                Some(b'~') if run(b'~') >= 3 => Some((b'~', run(b'~'))),
                _ => None,
            }
        } else {
            None
        };
        match (fence, opener) {
            (None, Some(f)) => {
                fence = Some(f);
                continue;
            }
            (Some((c, n)), Some((c2, n2))) if c == c2 && n2 >= n && rest.trim_start_matches(c as char).trim().is_empty() => {
                fence = None;
                continue;
            }
            (Some(_), _) => continue,
            (None, None) => {}
        }
        out.push(Line { start, text: line });
    }
    out
}

/// A heading line: `(level, text after the #s, offset of that text)`.
fn heading(line: &str) -> Option<(usize, &str, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.bytes().take_while(|b| *b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let content = after.trim_start();
    let at = indent + level + (after.len() - content.len());
    Some((level, content.trim_end().trim_end_matches('#').trim_end(), at))
}

/// Digits at the start of `s`, as a number (at most 6 digits, so it always fits).
fn leading_number(s: &str) -> Option<(u32, usize)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 6 {
        return None;
    }
    s[..n].parse().ok().map(|v| (v, n))
}

/// An acceptance criterion of a requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Criterion {
    /// Its number within the requirement (the `M` of `N.M`).
    pub number: u32,
    /// The criterion's line, from its number to the end of the line.
    pub range: TextRange,
    /// Its text after the number.
    pub text: String,
}

/// A `### Requirement N` section of `requirements.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// `N`.
    pub number: u32,
    /// The heading's text (`Requirement 1: Sign in`).
    pub title: String,
    /// The heading's text range.
    pub range: TextRange,
    /// Its acceptance criteria, in order.
    pub criteria: Vec<Criterion>,
}

/// `Requirement N` at the start of a heading's text: `N` and the title after it.
fn requirement_heading(text: &str) -> Option<u32> {
    let word = "requirement";
    if !text.get(..word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word)) {
        return None;
    }
    let rest = &text[word.len()..];
    let digits = rest.trim_start_matches([' ', '\t']);
    if digits.len() == rest.len() {
        return None;
    }
    let (n, len) = leading_number(digits)?;
    match digits[len..].chars().next() {
        None | Some(':' | ' ' | '\t' | '.' | '-' | '–' | '—' | ')') => Some(n),
        _ => None,
    }
}

/// A numbered line at the start of `line` (after at most three spaces): `1. WHEN ...`, `1) ...`,
/// `1.2. THE ...` or `1.2 THE ...`. Returns `(first number, second number if N.M, byte length of
/// the marker, indent)`.
fn numbered(line: &str) -> Option<(u32, Option<u32>, usize, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let (first, n1) = leading_number(rest)?;
    let after = &rest[n1..];
    let (second, used) = match after.strip_prefix('.').and_then(|r| leading_number(r).map(|(v, n)| (v, n, r))) {
        Some((v, n, r)) => {
            let tail = &r[n..];
            let dot = usize::from(tail.starts_with('.'));
            (Some(v), n1 + 1 + n + dot)
        }
        None if after.starts_with(['.', ')']) => (None, n1 + 1),
        None => return None,
    };
    if !rest[used..].starts_with([' ', '\t']) {
        return None;
    }
    Some((first, second, used, indent))
}

/// The requirements of a `requirements.md` text. Empty when the document has no
/// `Requirement N` heading (then it is not in Kiro's structure and nothing refers into it).
///
/// A requirement runs to the next heading of its level or above. Its criteria are the numbered
/// lines after its "Acceptance Criteria" heading or label (all its numbered lines when it has
/// none). A criterion's number is the one written (`3.` or `1.3.`); when the written numbers of a
/// requirement do not increase (a list numbered `1.` throughout), they are counted instead, as
/// Markdown renders them.
pub(crate) fn requirements(text: &str) -> Vec<Requirement> {
    let mut out: Vec<Requirement> = Vec::new();
    // (level of the open requirement's heading, saw an acceptance-criteria marker, numbered lines
    // before it, numbered lines after it).
    struct Open {
        level: usize,
        marker: bool,
        /// The indentation of the first numbered line: deeper ones are nested lists.
        indent: Option<usize>,
        before: Vec<(Option<u32>, Criterion)>,
        after: Vec<(Option<u32>, Criterion)>,
    }
    let mut open: Option<Open> = None;
    let close = |open: Option<Open>, out: &mut Vec<Requirement>| {
        let (Some(o), Some(req)) = (open, out.last_mut()) else { return };
        let list = if o.marker { o.after } else { o.before };
        let increasing = list.windows(2).all(|w| w[0].1.number < w[1].1.number);
        req.criteria = list
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut c))| {
                if !increasing {
                    c.number = u32::try_from(i + 1).unwrap_or(u32::MAX);
                }
                c
            })
            .collect();
    };
    for line in lines_outside_code(text) {
        if let Some((level, content, at)) = heading(line.text) {
            if let Some(n) = requirement_heading(content) {
                close(open.take(), &mut out);
                out.push(Requirement {
                    number: n,
                    title: content.to_string(),
                    range: TextRange::new(line.start + at, line.start + at + content.len()),
                    criteria: Vec::new(),
                });
                open = Some(Open { level, marker: false, indent: None, before: Vec::new(), after: Vec::new() });
                continue;
            }
            if open.as_ref().is_some_and(|o| level <= o.level) {
                close(open.take(), &mut out);
                continue;
            }
            if let Some(o) = open.as_mut()
                && content.to_ascii_lowercase().contains("acceptance criteria")
            {
                o.marker = true;
            }
            continue;
        }
        let Some(o) = open.as_mut() else { continue };
        if line.text.to_ascii_lowercase().contains("acceptance criteria") && numbered(line.text).is_none() {
            o.marker = true;
            continue;
        }
        let Some((first, second, used, indent)) = numbered(line.text) else { continue };
        if *o.indent.get_or_insert(indent) < indent {
            continue; // A nested list's item, not a criterion.
        }
        let number = second.unwrap_or(first);
        let start = line.start + indent;
        let criterion = Criterion {
            number,
            range: TextRange::new(start, line.start + line.text.trim_end().len()),
            text: line.text[indent + used..].trim().to_string(),
        };
        let requirement_part = second.map(|_| first);
        if o.marker { o.after.push((requirement_part, criterion)) } else { o.before.push((requirement_part, criterion)) }
    }
    close(open.take(), &mut out);
    out
}

/// A numbered task of `tasks.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Task {
    /// Its number as written, without a trailing dot (`1`, `2.3`).
    pub number: String,
    /// The number's range.
    pub number_range: TextRange,
    /// The checkbox's range (`[ ]`, `[x]`).
    pub checkbox: TextRange,
    /// `Some(true)` ticked, `Some(false)` open (`[ ]` or in progress `[-]`).
    pub checked: bool,
    /// Marked optional with `*` (`- [ ]* 4.1 ...` or `- [ ] 4.1* ...`).
    pub optional: bool,
    /// Its title after the number (and a `(P)` marker).
    pub title: String,
    /// `(P)` after the number: may run in parallel (cc-sdd).
    pub parallel: bool,
    /// The task's first line.
    pub line: TextRange,
    /// The heading it is under, if any.
    pub section: Option<String>,
    /// `_Depends:` task numbers, as written.
    pub depends: Vec<(String, TextRange)>,
}

/// A numbered task line: `- [ ] 1. Title`, `  - [x] 1.1 Title`, `- [ ]* 2.3 Title`.
fn task_line(line: &str, start: usize) -> Option<Task> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let rest = rest.strip_prefix(['-', '*', '+'])?;
    let after_marker = rest.trim_start_matches([' ', '\t']);
    if after_marker.len() == rest.len() {
        return None;
    }
    let box_at = indent + 1 + (rest.len() - after_marker.len());
    let inner = after_marker.strip_prefix('[')?;
    let mark = inner.chars().next()?;
    let checked = match mark {
        'x' | 'X' => true,
        ' ' | '-' | '~' => false,
        _ => return None,
    };
    let inner = inner[mark.len_utf8()..].strip_prefix(']')?;
    let mut optional = inner.starts_with('*');
    let stars = inner.trim_start_matches('*');
    let after_box = stars.trim_start_matches([' ', '\t']);
    if after_box.len() == stars.len() {
        return None;
    }
    let number_at = line.len() - after_box.len();
    let digits = after_box.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    let number = after_box[..digits].trim_end_matches('.');
    if number.is_empty() || !number.bytes().next().is_some_and(|b| b.is_ascii_digit()) || number.contains("..") {
        return None;
    }
    let mut tail = &after_box[digits..];
    if let Some(t) = tail.strip_prefix('*') {
        optional = true;
        tail = t;
    }
    if !(tail.is_empty() || tail.starts_with([' ', '\t'])) {
        return None;
    }
    let mut title = tail.trim();
    let parallel = title.starts_with("(P)");
    if parallel {
        title = title[3..].trim_start();
    }
    Some(Task {
        number: number.to_string(),
        number_range: TextRange::new(start + number_at, start + number_at + number.len()),
        checkbox: TextRange::new(start + box_at, start + box_at + 3),
        checked,
        optional,
        title: title.to_string(),
        parallel,
        line: TextRange::new(start + indent, start + line.trim_end().len()),
        section: None,
        depends: Vec::new(),
    })
}

/// What a reference names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Requirement `N` as a whole.
    Requirement(u32),
    /// Criterion `N.M`.
    Criterion(u32, u32),
    /// Criteria `N.a` to `N.b`.
    Range(u32, u32, u32),
}

/// A reference to requirements written in `tasks.md` or `design.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    pub target: Target,
    /// The reference as written (`1.2`, `1.1–1.7`).
    pub written: String,
    pub range: TextRange,
    /// Index of the task it belongs to in [`TaskList::tasks`], when it is under one.
    pub task: Option<usize>,
}

/// Requirements a task says it covers without naming them one by one (`_Requirements: All_`,
/// `All from Requirement 5`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Blanket {
    /// Every requirement.
    All,
    /// These requirements as a whole.
    Requirements(Vec<u32>),
}

/// Everything read from `tasks.md` (or the references of `design.md`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TaskList {
    pub tasks: Vec<Task>,
    pub references: Vec<Reference>,
    /// Blanket claims, with the task they belong to.
    pub blanket: Vec<(Blanket, Option<usize>)>,
}

/// The value after a reference keyword on `line` (from byte `at`), without trailing emphasis, and
/// its offset in the line.
fn value_after(line: &str, at: usize) -> (&str, usize) {
    let value = &line[at..];
    let trimmed = value.trim_end().trim_end_matches(['_', '*']).trim_end();
    let lead = trimmed.len() - trimmed.trim_start().len();
    (trimmed.trim_start(), at + lead)
}

/// Where a reference list starts on `line`: after `Requirements:` (or `Requirement:`) written as
/// `_Requirements:`, `*Requirements:*`, `**Requirements:**` or at the start of a list item, or after
/// `Validates: Requirements` / `Validates: Requirement`.
fn requirements_value(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    if let Some(i) = lower.find("validates:") {
        let rest = &lower[i + "validates:".len()..];
        let trimmed = rest.trim_start();
        for word in ["requirements", "requirement"] {
            if let Some(after) = trimmed.strip_prefix(word) {
                let after = after.trim_start_matches(['*', '_', ':']);
                return Some(line.len() - after.len());
            }
        }
    }
    for word in ["requirements:", "requirement:"] {
        let Some(i) = lower.find(word) else { continue };
        let before = lower[..i].trim_end();
        let emphasised = lower[..i].ends_with(['_', '*']);
        let item_start = before.is_empty() || before.trim_start_matches([' ', '\t']).trim_end() == "-" || before.trim() == "*";
        if emphasised || item_start {
            let after = &line[i + word.len()..];
            let after = after.trim_start_matches(['*', '_']);
            return Some(line.len() - after.len());
        }
    }
    None
}

/// Where a `_Depends:` list starts on `line`.
fn depends_value(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    let i = lower.find("depends:")?;
    let before = &lower[..i];
    let emphasised = before.ends_with(['_', '*']);
    let item_start = before.trim().is_empty() || before.trim() == "-";
    if !(emphasised || item_start) {
        return None;
    }
    let after = &line[i + "depends:".len()..];
    let after = after.trim_start_matches(['*', '_']);
    Some(line.len() - after.len())
}

/// The comma- or semicolon-separated elements of `value` (at `offset`), each trimmed of brackets
/// and punctuation, with the part after an opening parenthesis (`validation (1.2` → `1.2`).
fn elements(value: &str, offset: usize) -> Vec<(&str, TextRange)> {
    let mut out = Vec::new();
    let mut at = 0;
    for part in value.split([',', ';']) {
        let part_start = at;
        at += part.len() + 1;
        let inner = match part.rfind('(') {
            Some(i) => &part[i + 1..],
            None => part,
        };
        let trimmed = inner.trim().trim_matches(|c| matches!(c, '(' | ')' | '[' | ']' | '`' | '_' | '*' | '.' | '"' | '\''));
        if trimmed.is_empty() {
            continue;
        }
        let Some(i) = part.find(trimmed) else { continue };
        let start = offset + part_start + i;
        out.push((trimmed, TextRange::new(start, start + trimmed.len())));
    }
    out
}

/// `N.M` as numbers.
fn criterion_id(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once('.')?;
    let (a, na) = leading_number(a)?;
    let (b, nb) = leading_number(b)?;
    (na == s.split_once('.')?.0.len() && nb == s.split_once('.')?.1.len()).then_some((a, b))
}

/// A plain number.
fn plain_number(s: &str) -> Option<u32> {
    let (n, len) = leading_number(s)?;
    (len == s.len()).then_some(n)
}

/// One element of a requirements list as a target: `1.2`, `1.1-1.7`, `1.1–1.7`, `1.1-7`, or (when
/// `bare` numbers are allowed) `3`.
fn target(element: &str, bare: bool) -> Option<Target> {
    let dash = element.find(['-', '–', '—']);
    if let Some(i) = dash {
        let left = element[..i].trim();
        let dash_len = element[i..].chars().next().map_or(1, char::len_utf8);
        let right = element[i + dash_len..].trim();
        let (n, a) = criterion_id(left)?;
        let b = match criterion_id(right) {
            Some((n2, b)) if n2 == n => b,
            Some(_) => return None,
            None => plain_number(right)?,
        };
        return (a <= b).then_some(Target::Range(n, a, b));
    }
    if let Some((n, m)) = criterion_id(element) {
        return Some(Target::Criterion(n, m));
    }
    if bare { plain_number(element).map(Target::Requirement) } else { None }
}

/// Reads a requirements list (`value` at `offset` of the text) into `list`, for task `task`.
fn read_requirements_list(value: &str, offset: usize, task: Option<usize>, list: &mut TaskList) {
    let lower = value.to_ascii_lowercase();
    let all = lower.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "all");
    let parts = elements(value, offset);
    if all {
        // `All`, `All requirements`, `All from Requirement 5`, `All frontend requirements (1.1-10.6)`:
        // claims, not references to check.
        let mut numbers = Vec::new();
        let mut explicit = Vec::new();
        for (text, _) in &parts {
            if let Some(t) = target(text, false) {
                explicit.push(t);
            } else if let Some(n) = text.rsplit(' ').next().and_then(plain_number) {
                numbers.push(n);
            }
        }
        if !explicit.is_empty() {
            // Counted as coverage of the requirements named, not checked: prose around numbers.
            for t in explicit {
                list.blanket.push((blanket_of(&t), task));
            }
        } else if numbers.is_empty() {
            list.blanket.push((Blanket::All, task));
        } else {
            list.blanket.push((Blanket::Requirements(numbers), task));
        }
        return;
    }
    let bare = parts.iter().all(|(text, _)| target(text, true).is_some());
    for (text, range) in parts {
        if let Some(t) = target(text, bare) {
            list.references.push(Reference { target: t, written: text.to_string(), range, task });
        }
    }
}

/// A claim covering the criteria a target names (for `All ... (1.1-10.6)`).
fn blanket_of(t: &Target) -> Blanket {
    match t {
        Target::Requirement(n) => Blanket::Requirements(vec![*n]),
        Target::Criterion(n, _) | Target::Range(n, _, _) => Blanket::Requirements(vec![*n]),
    }
}

/// Reads `tasks.md` (`tasks` true) or the references of `design.md` (`tasks` false).
pub(crate) fn task_list(text: &str, tasks: bool) -> TaskList {
    let mut list = TaskList::default();
    let mut section: Option<String> = None;
    let mut current: Option<usize> = None;
    for line in lines_outside_code(text) {
        if let Some((_, content, _)) = heading(line.text) {
            section = Some(content.to_string());
            current = None;
            continue;
        }
        if tasks && let Some(mut t) = task_line(line.text, line.start) {
            t.section.clone_from(&section);
            list.tasks.push(t);
            current = Some(list.tasks.len() - 1);
        }
        if let Some(at) = requirements_value(line.text) {
            let (value, offset) = value_after(line.text, at);
            read_requirements_list(value, line.start + offset, current, &mut list);
        }
        if tasks
            && let Some(at) = depends_value(line.text)
            && let Some(i) = current
        {
            let (value, offset) = value_after(line.text, at);
            for (text, range) in elements(value, line.start + offset) {
                let text = text.strip_prefix("Task ").or_else(|| text.strip_prefix("task ")).unwrap_or(text).trim();
                if text.bytes().next().is_some_and(|b| b.is_ascii_digit()) && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    let number = text.trim_end_matches('.');
                    let start = range.end - text.len();
                    list.tasks[i].depends.push((number.to_string(), TextRange::new(start, start + number.len())));
                }
            }
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, r: TextRange) -> &str {
        &text[r.start..r.end]
    }

    #[test]
    fn requirements_and_criteria() {
        let text = "# Requirements Document\n\n## Requirements\n\n### Requirement 1: Sign in\n\n**User Story:** As a user, I want to sign in.\n\n#### Acceptance Criteria\n\n1. WHEN the form is sent THEN the system SHALL check it\n2. IF the password is wrong THEN the system SHALL say so\n   1. nested note\n\n```\n3. not a criterion\n```\n\n### Requirement 2\n\n1. THE system SHALL log out\n1. THE system SHALL forget the session\n\n### Requirement 3: Explicit\n\n#### Acceptance Criteria\n\n3.1. THE framework SHALL a\n3.2. THE framework SHALL b\n\n## Non-Functional Requirements\n\n1. Fast\n";
        let reqs = requirements(text);
        let shown: Vec<(u32, Vec<u32>)> = reqs.iter().map(|r| (r.number, r.criteria.iter().map(|c| c.number).collect())).collect();
        assert_eq!(shown, vec![(1, vec![1, 2]), (2, vec![1, 2]), (3, vec![1, 2])]);
        assert_eq!(at(text, reqs[0].range), "Requirement 1: Sign in");
        assert_eq!(at(text, reqs[0].criteria[1].range), "2. IF the password is wrong THEN the system SHALL say so");
        assert_eq!(reqs[2].criteria[0].text, "THE framework SHALL a");
        assert!(requirements("# Notes\n\n## Functional Requirements\n\n### 1. Blog posts\n\n1. a\n").is_empty());
        // Headings in other scripts are not Kiro's English structure, and never split a character.
        assert!(requirements("# 要件定義書\n\n## 技術スタック\n\n### 需求 1 - 股票管理\n\n1. 系統應該\n").is_empty());
        let text = "### Requirement 1: Café ☕\n\n#### Acceptance Criteria\n\n1. WHEN ü THEN the système SHALL répondre\n";
        let reqs = requirements(text);
        assert_eq!(at(text, reqs[0].criteria[0].range), "1. WHEN ü THEN the système SHALL répondre");
    }

    #[test]
    fn tasks_and_references() {
        let text = "# Implementation Plan\n\n- [x] 1. Set up\n  - _Requirements: 1.1, 1.2–1.4, 2_\n- [ ] 2. Build\n  - [x] 2.1 (P) Form\n    - _Requirements: 1.1, NFR 2.2_\n    - _Depends: 1, Task 2.3_\n  - [ ]* 2.2 Property test\n    - **Property 1: Round trip**\n    - **Validates: Requirements 3.1**\n  - [-] 2.3* Wire up\n    - _Requirements: All from Requirement 5_\n- [ ] 3. Checkpoint\n  - _Requirements: All_\n```\n- [ ] 9. in code\n```\n";
        let list = task_list(text, true);
        let tasks: Vec<(&str, bool, bool, bool)> =
            list.tasks.iter().map(|t| (t.number.as_str(), t.checked, t.optional, t.parallel)).collect();
        assert_eq!(
            tasks,
            vec![
                ("1", true, false, false),
                ("2", false, false, false),
                ("2.1", true, false, true),
                ("2.2", false, true, false),
                ("2.3", false, true, false),
                ("3", false, false, false)
            ]
        );
        assert_eq!(at(text, list.tasks[2].checkbox), "[x]");
        assert_eq!(list.tasks[2].title, "Form");
        let refs: Vec<(&str, Target, Option<usize>)> =
            list.references.iter().map(|r| (at(text, r.range), r.target.clone(), r.task)).collect();
        assert_eq!(
            refs,
            vec![
                ("1.1", Target::Criterion(1, 1), Some(0)),
                ("1.2–1.4", Target::Range(1, 2, 4), Some(0)),
                ("2", Target::Requirement(2), Some(0)),
                ("1.1", Target::Criterion(1, 1), Some(2)),
                ("3.1", Target::Criterion(3, 1), Some(3)),
            ]
        );
        let depends: Vec<&str> = list.tasks[2].depends.iter().map(|(_, r)| at(text, *r)).collect();
        assert_eq!(depends, vec!["1", "2.3"]);
        assert_eq!(list.blanket, vec![(Blanket::Requirements(vec![5]), Some(4)), (Blanket::All, Some(5))]);
    }

    #[test]
    fn design_references_and_odd_lines() {
        let text = "## Correctness Properties\n\n**Property 2: Totals**\n*For any* cart, the total is the sum.\n**Validates: Requirements 2.1, 2.3**\n\nUpdate requirements: later\n- [ ] 4. not read in design\n";
        let list = task_list(text, false);
        assert!(list.tasks.is_empty());
        let refs: Vec<&str> = list.references.iter().map(|r| at(text, r.range)).collect();
        assert_eq!(refs, vec!["2.1", "2.3"]);
        for odd in ["- [ ] Plain item", "- [x]1. glued", "- [?] 1. odd", "-[ ] 1. no space"] {
            assert!(task_line(odd, 0).is_none(), "{odd}");
        }
    }
}
