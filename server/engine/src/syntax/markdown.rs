//! A flat outline of a Markdown document, built with `pulldown-cmark`: headings, list items (with
//! their task-list checkbox), paragraphs and fenced code blocks, in document order, each with its
//! plain text, its inline code spans and its byte range.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::text::TextRange;

/// What kind of block a [`Block`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// `#`..`######` or setext heading; `level` is 1..=6.
    Heading { level: u8 },
    /// A list item; `depth` 0 is a top-level list; `checked` is its task-list box, if any;
    /// `list` the list it belongs to (the document's lists numbered from 0 in the order they
    /// start), so the items of one list are told from those of the next, as CommonMark ends a
    /// list where its bullet or its numbers' delimiter changes or another block comes between.
    Item { depth: usize, checked: Option<bool>, list: u32 },
    /// A paragraph outside list items, or a later paragraph of a loose list item.
    Paragraph,
    /// A fenced or indented code block; `info` is the fence's info string (empty if none).
    Code { info: String },
}

/// One block of the outline.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    /// Kind of block.
    pub kind: BlockKind,
    /// Plain text: inline markup removed, code spans' contents kept, soft breaks as `\n`. For code
    /// blocks, the code itself.
    pub text: String,
    /// The block's range. For list items, only the item's first line (nested lists excluded); for
    /// headings, the heading line without its newline.
    pub range: TextRange,
    /// For code blocks, the code's range; for list items, the item's own text (its wrapped lines,
    /// nested lists excluded); otherwise equal to `range`.
    pub content: TextRange,
    /// Inline code spans: their contents and the range of those contents (backticks excluded).
    pub code_spans: Vec<(String, TextRange)>,
}

fn trim_line(text: &str, range: std::ops::Range<usize>) -> TextRange {
    let start = range.start.min(text.len());
    let mut end = range.end.min(text.len());
    let bytes = text.as_bytes();
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    TextRange::new(start, end)
}

fn first_line(text: &str, start: usize, end: usize) -> TextRange {
    let slice = &text[start.min(text.len())..end.min(text.len())];
    let line_end = crate::text::line_end(slice, 0) + start;
    trim_line(text, start..line_end)
}

/// Builds the outline of `text`. Never fails: pulldown-cmark accepts any input.
pub(crate) fn outline(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    // One entry per open tag: the block that receives its text, if any.
    let mut targets: Vec<Option<usize>> = Vec::new();
    // The open lists, innermost last (their numbers), and how many lists have started.
    let mut lists: Vec<u32> = Vec::new();
    let mut started: u32 = 0;
    let options = Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let current = |targets: &Vec<Option<usize>>| targets.iter().rev().find_map(|t| *t);
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                let target = match tag {
                    Tag::Heading { level, .. } => {
                        blocks.push(Block {
                            kind: BlockKind::Heading { level: level as u8 },
                            text: String::new(),
                            range: trim_line(text, range.clone()),
                            content: trim_line(text, range.clone()),
                            code_spans: Vec::new(),
                        });
                        Some(blocks.len() - 1)
                    }
                    Tag::Item => {
                        let r = first_line(text, range.start, range.end);
                        blocks.push(Block {
                            kind: BlockKind::Item {
                                depth: lists.len().saturating_sub(1),
                                checked: None,
                                list: lists.last().copied().unwrap_or_default(),
                            },
                            text: String::new(),
                            range: r,
                            content: r,
                            code_spans: Vec::new(),
                        });
                        Some(blocks.len() - 1)
                    }
                    Tag::Paragraph => {
                        // The first paragraph of a list item is the item's own text.
                        let parent = targets.last().copied().flatten();
                        match parent {
                            Some(i) if matches!(blocks[i].kind, BlockKind::Item { .. }) && blocks[i].text.is_empty() => Some(i),
                            _ => {
                                let r = trim_line(text, range.clone());
                                blocks.push(Block {
                                    kind: BlockKind::Paragraph,
                                    text: String::new(),
                                    range: r,
                                    content: r,
                                    code_spans: Vec::new(),
                                });
                                Some(blocks.len() - 1)
                            }
                        }
                    }
                    Tag::CodeBlock(kind) => {
                        let info = match kind {
                            CodeBlockKind::Fenced(info) => info.trim().to_string(),
                            CodeBlockKind::Indented => String::new(),
                        };
                        let r = trim_line(text, range.clone());
                        blocks.push(Block {
                            kind: BlockKind::Code { info },
                            text: String::new(),
                            range: r,
                            content: TextRange::empty(r.end),
                            code_spans: Vec::new(),
                        });
                        Some(blocks.len() - 1)
                    }
                    Tag::List(_) => {
                        lists.push(started);
                        started = started.saturating_add(1);
                        None
                    }
                    // Table cells, block quotes, emphasis, links...: their text goes to the
                    // enclosing block, if any.
                    _ => None,
                };
                targets.push(target);
            }
            Event::End(tag_end) => {
                if matches!(tag_end, TagEnd::List(_)) {
                    lists.pop();
                }
                targets.pop();
            }
            Event::Text(t) => {
                if let Some(i) = current(&targets) {
                    let block = &mut blocks[i];
                    match block.kind {
                        BlockKind::Code { .. } if block.text.is_empty() => block.content = TextRange::new(range.start, range.end),
                        BlockKind::Code { .. } => block.content.end = range.end,
                        BlockKind::Item { .. } => block.content.end = block.content.end.max(range.end),
                        _ => {}
                    }
                    block.text.push_str(&t);
                }
            }
            Event::Code(t) => {
                if let Some(i) = current(&targets) {
                    let raw = &text[range.clone()];
                    let inner = raw
                        .find(t.as_ref())
                        .map_or(TextRange::new(range.start, range.end), |at| TextRange::new(range.start + at, range.start + at + t.len()));
                    if let BlockKind::Item { .. } = blocks[i].kind {
                        blocks[i].content.end = blocks[i].content.end.max(range.end);
                    }
                    blocks[i].code_spans.push((t.to_string(), inner));
                    blocks[i].text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(i) = current(&targets) {
                    blocks[i].text.push('\n');
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(i) = current(&targets)
                    && let BlockKind::Item { checked: c, .. } = &mut blocks[i].kind
                {
                    *c = Some(checked);
                }
            }
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_headings_items_checkboxes_and_code() {
        let text = "## Phase 1: Design\n\n**Deliverables**:\n- `docs/a.md` - the A\n- [x] done\n  - [ ] nested\n\n```yaml\nk: v\n```\n";
        let blocks = outline(text);
        let kinds: Vec<_> = blocks.iter().map(|b| (b.kind.clone(), b.text.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (BlockKind::Heading { level: 2 }, "Phase 1: Design".to_string()),
                (BlockKind::Paragraph, "Deliverables:".to_string()),
                (BlockKind::Item { depth: 0, checked: None, list: 0 }, "docs/a.md - the A".to_string()),
                (BlockKind::Item { depth: 0, checked: Some(true), list: 0 }, "done".to_string()),
                (BlockKind::Item { depth: 1, checked: Some(false), list: 1 }, "nested".to_string()),
                (BlockKind::Code { info: "yaml".to_string() }, "k: v\n".to_string()),
            ]
        );
        let (code, range) = &blocks[2].code_spans[0];
        assert_eq!(code, "docs/a.md");
        assert_eq!(&text[range.start..range.end], "docs/a.md");
        assert_eq!(&text[blocks[3].range.start..blocks[3].range.end], "- [x] done");
        assert_eq!(&text[blocks[5].content.start..blocks[5].content.end], "k: v\n");
        // Lists end where CommonMark ends them: another bullet or delimiter, a thematic break, an
        // HTML block; a blank line between items keeps the list.
        let text = "1. a\n\n2. b\n- c\n+ d\n\n---\n\n- e\n<!-- x -->\n- f\n3) g\n";
        let lists: Vec<(String, u32)> = outline(text)
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::Item { list, .. } => Some((b.text.clone(), list)),
                _ => None,
            })
            .collect();
        let want = [("a", 0), ("b", 0), ("c", 1), ("d", 2), ("e", 3), ("f", 4), ("g", 5)];
        assert_eq!(lists, want.map(|(t, l)| (t.to_string(), l)));
    }
}
