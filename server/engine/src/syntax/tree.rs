//! One positioned tree for YAML (read with `saphyr-parser`'s events) and JSON (read with
//! `jsonc-parser`), so extractors read both formats with the same accessors.
//!
//! YAML aliases are kept as links to their anchor and never expanded, so an alias bomb ("billion
//! laughs") costs one node per alias. Only the first YAML document of a stream is read.

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::text::TextRange;

/// Index of a node in a [`Tree`].
pub(crate) type NodeId = usize;

/// A node's data.
#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A scalar as written (quotes removed).
    Scalar { value: String },
    /// JSON `null`, or YAML's `null`, `~` or empty plain scalar.
    Null,
    /// A sequence of nodes.
    Seq(Vec<NodeId>),
    /// A mapping: key node, value node, in source order.
    Map(Vec<(NodeId, NodeId)>),
    /// A YAML alias; the anchored node if it was defined before.
    Alias(Option<NodeId>),
}

/// A node and its byte range.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub range: TextRange,
}

/// A parse failure: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// A parsed YAML or JSON document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tree {
    nodes: Vec<Node>,
    /// The document's root, if the document is not empty.
    pub root: Option<NodeId>,
}

/// Most nodes one document may hold; past it the parse stops with an error. Keeps pathological
/// files from exhausting memory.
const MAX_NODES: usize = 1_000_000;

impl Tree {
    /// The node `id`, following aliases (to at most 64 levels).
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        let mut node = &self.nodes[id];
        for _ in 0..64 {
            match node.kind {
                NodeKind::Alias(Some(target)) => node = &self.nodes[target],
                _ => break,
            }
        }
        node
    }

    /// The range of node `id` as written (an alias's own range, not its anchor's).
    pub(crate) fn range(&self, id: NodeId) -> TextRange {
        self.nodes[id].range
    }

    /// The scalar text of `id`, if it is a scalar.
    pub(crate) fn str(&self, id: NodeId) -> Option<&str> {
        match &self.node(id).kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether `id` is null.
    pub(crate) fn is_null(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, NodeKind::Null)
    }

    /// The value of key `key` in mapping `id`.
    pub(crate) fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.entries(id).iter().find(|(k, _)| self.str(*k) == Some(key)).map(|(_, v)| *v)
    }

    /// The entries of mapping `id` (empty if it is not a mapping).
    pub(crate) fn entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match &self.node(id).kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of sequence `id` (empty if it is not a sequence).
    pub(crate) fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.node(id).kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    /// Whether `id` is a mapping.
    pub(crate) fn is_map(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, NodeKind::Map(_))
    }

    /// Whether `id` is a sequence.
    pub(crate) fn is_seq(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, NodeKind::Seq(_))
    }

    /// Scalars of `id`: the items of a sequence of scalars, or the comma-separated parts of one
    /// scalar (`depends_on: "a, b"`), each with its range (parts of a scalar share its range).
    pub(crate) fn str_list(&self, id: NodeId) -> Vec<(String, TextRange)> {
        match &self.node(id).kind {
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|i| self.str(*i).map(|s| (s.trim().to_string(), self.range(*i))))
                .filter(|(s, _)| !s.is_empty())
                .collect(),
            NodeKind::Scalar { value, .. } => {
                value.split(',').map(|s| s.trim()).filter(|s| !s.is_empty()).map(|s| (s.to_string(), self.range(id))).collect()
            }
            _ => Vec::new(),
        }
    }

    fn push(&mut self, kind: NodeKind, range: TextRange) -> NodeId {
        self.nodes.push(Node { kind, range });
        self.nodes.len() - 1
    }
}

/// Maps saphyr's character indices to byte offsets (identity for ASCII text).
struct CharToByte {
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> CharToByte {
        let offsets = if text.is_ascii() {
            None
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            Some(v)
        };
        CharToByte { offsets, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(v) => v.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

/// Parses the first YAML document of `text`. `base` is added to every range (for YAML embedded in
/// a larger file, such as front matter).
/// saphyr-parser's message for the error at byte `at` of `text`, corrected where it is wrong: it
/// calls every quoted scalar followed by trailing content "double-quoted", single-quoted ones too.
fn yaml_message(text: &str, at: usize, info: &str) -> String {
    const DOUBLE: &str = "invalid trailing content after double-quoted scalar";
    if info == DOUBLE {
        let before = text.get(..at.min(text.len())).unwrap_or("");
        let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        if line.trim_end().ends_with('\'') {
            return "invalid trailing content after single-quoted scalar".to_string();
        }
    }
    info.to_string()
}

pub(crate) fn parse_yaml(text: &str, base: usize) -> Result<Tree, SyntaxError> {
    let map = CharToByte::new(text);
    let mut tree = Tree::default();
    // Open collections: (is_map, start byte, children, pending key).
    struct Open {
        is_map: bool,
        start: usize,
        anchor: usize,
        children: Vec<NodeId>,
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, NodeId> = std::collections::HashMap::new();
    let mut finished: Option<NodeId> = None;
    let mut count = 0usize;
    let attach = |stack: &mut Vec<Open>, finished: &mut Option<NodeId>, id: NodeId| match stack.last_mut() {
        Some(open) => open.children.push(id),
        None => {
            if finished.is_none() {
                *finished = Some(id);
            }
        }
    };
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(pair) => pair,
            Err(e) => {
                let at = map.byte(e.marker().index());
                return Err(SyntaxError { range: TextRange::new(at, at).shifted(base), message: yaml_message(text, at, e.info()) });
            }
        };
        count += 1;
        if count > MAX_NODES {
            return Err(SyntaxError { range: TextRange::empty(base), message: format!("document has more than {MAX_NODES} YAML nodes") });
        }
        let range = TextRange::new(map.byte(span.start.index()), map.byte(span.end.index())).shifted(base);
        match event {
            Event::DocumentEnd if finished.is_some() => {
                break;
            }
            Event::DocumentStart(_) if finished.is_some() => break,
            Event::Scalar(value, style, anchor, _tag) => {
                let plain = matches!(style, ScalarStyle::Plain);
                let kind = if plain && matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                    NodeKind::Null
                } else {
                    NodeKind::Scalar { value: value.into_owned() }
                };
                let id = tree.push(kind, range);
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                attach(&mut stack, &mut finished, id);
            }
            Event::Alias(anchor) => {
                let id = tree.push(NodeKind::Alias(anchors.get(&anchor).copied()), range);
                attach(&mut stack, &mut finished, id);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Open { is_map, start: range.start, anchor, children: Vec::new() });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else { continue };
                // Flow collections end at their closing bracket; block ones at their last child.
                let closing = text.as_bytes().get(range.start.saturating_sub(base)).copied();
                let end = if matches!(closing, Some(b'}' | b']')) {
                    range.end.max(range.start + 1)
                } else {
                    open.children.last().map_or(range.start.max(open.start), |c| tree.nodes[*c].range.end)
                };
                let kind = if open.is_map {
                    let mut pairs = Vec::with_capacity(open.children.len() / 2);
                    let mut it = open.children.chunks(2);
                    for chunk in &mut it {
                        if let [k, v] = chunk {
                            pairs.push((*k, *v));
                        }
                    }
                    NodeKind::Map(pairs)
                } else {
                    NodeKind::Seq(open.children)
                };
                let id = tree.push(kind, TextRange::new(open.start, end));
                if open.anchor > 0 {
                    anchors.insert(open.anchor, id);
                }
                attach(&mut stack, &mut finished, id);
            }
            _ => {}
        }
    }
    tree.root = finished;
    Ok(tree)
}

/// Parses `text` as strict JSON (no comments, no trailing commas).
pub(crate) fn parse_json(text: &str) -> Result<Tree, SyntaxError> {
    use jsonc_parser::ast::{ObjectPropName, Value};
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &options)
        .map_err(|e| SyntaxError { range: TextRange::new(e.range().start, e.range().end), message: e.kind().to_string() })?;
    let mut tree = Tree::default();
    fn convert(tree: &mut Tree, value: &Value<'_>) -> NodeId {
        match value {
            Value::StringLit(s) => tree.push(NodeKind::Scalar { value: s.value.to_string() }, TextRange::new(s.range.start, s.range.end)),
            Value::NumberLit(n) => tree.push(NodeKind::Scalar { value: n.value.to_string() }, TextRange::new(n.range.start, n.range.end)),
            Value::BooleanLit(b) => tree.push(NodeKind::Scalar { value: b.value.to_string() }, TextRange::new(b.range.start, b.range.end)),
            Value::NullKeyword(n) => tree.push(NodeKind::Null, TextRange::new(n.range.start, n.range.end)),
            Value::Array(a) => {
                let items = a.elements.iter().map(|e| convert(tree, e)).collect();
                tree.push(NodeKind::Seq(items), TextRange::new(a.range.start, a.range.end))
            }
            Value::Object(o) => {
                let mut pairs = Vec::with_capacity(o.properties.len());
                for prop in &o.properties {
                    let (name, range) = match &prop.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    let k = tree.push(NodeKind::Scalar { value: name }, TextRange::new(range.start, range.end));
                    let v = convert(tree, &prop.value);
                    pairs.push((k, v));
                }
                tree.push(NodeKind::Map(pairs), TextRange::new(o.range.start, o.range.end))
            }
        }
    }
    tree.root = parsed.value.as_ref().map(|v| convert(&mut tree, v));
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_ranges_are_bytes_even_after_non_ascii() {
        let text = "name: Désign\ncurrent: design\nhistory:\n  - {from: a, to: b}\n";
        let tree = parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        let root = tree.root.unwrap_or_else(|| panic!("root"));
        let current = tree.get(root, "current").unwrap_or_else(|| panic!("current"));
        let r = tree.range(current);
        assert_eq!(&text[r.start..r.end], "design");
        let history = tree.get(root, "history").unwrap_or_else(|| panic!("history"));
        let entry = tree.items(history)[0];
        let to = tree.get(entry, "to").unwrap_or_else(|| panic!("to"));
        assert_eq!(tree.str(to), Some("b"));
        let r = tree.range(to);
        assert_eq!(&text[r.start..r.end], "b");
    }

    #[test]
    fn quoted_scalar_errors_name_their_quotes() {
        let message = |t: &str| parse_yaml(t, 0).err().map(|e| e.message).unwrap_or_default();
        assert_eq!(message("current: 'abc' x\n"), "invalid trailing content after single-quoted scalar");
        assert_eq!(message("current: \"abc\" x\n"), "invalid trailing content after double-quoted scalar");
    }

    #[test]
    fn yaml_alias_bomb_is_not_expanded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let tree = parse_yaml(&text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(tree.nodes.len() < 1000);
        let root = tree.root.unwrap_or_else(|| panic!("root"));
        let last = tree.get(root, "a29").unwrap_or_else(|| panic!("a29"));
        assert_eq!(tree.items(tree.items(last)[0]).len(), 10);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse_yaml("a: [1, 2\nb: c\n", 0).err().unwrap_or_else(|| panic!("error expected"));
        assert!(err.range.start > 0, "{err:?}");
        let err = parse_json("{\"a\": 1,}").err().unwrap_or_else(|| panic!("error expected"));
        assert_eq!(err.range.start, 7, "{err:?}");
        let tree = parse_json("{\"ü\": \"é\", \"n\": [1, null]}").unwrap_or_else(|e| panic!("{e:?}"));
        let root = tree.root.unwrap_or_else(|| panic!("root"));
        let n = tree.get(root, "n").unwrap_or_else(|| panic!("n"));
        assert!(tree.is_null(tree.items(n)[1]));
    }
}
