//! OpenSpec's YAML files: a change's `.openspec.yaml` (`ChangeMetadataSchema` of
//! `src/core/change-metadata/schema.ts`), the project's `openspec/config.yaml` (its `schema:`,
//! `src/core/project-config.ts`) and a project schema `openspec/schemas/<name>/schema.yaml`
//! (`SchemaYamlSchema` of `src/core/artifact-graph/types.ts`, with the checks of
//! `schema.ts`: unique artifact ids, `requires` naming artifacts, no cycle).
//!
//! OpenSpec reads YAML with the `yaml` package's YAML 1.2 core schema: a plain `true` is a
//! boolean, a quoted `"true"` or a plain `yes` is a string, a plain `2026-01-15` is a string.
//! [`value`] gives a node that type from its scalar style, read from the text.

use crate::model::Named;
use crate::syntax::tree::{NodeId, NodeKind, Tree};
use crate::text::TextRange;

/// A YAML value's type under the core schema.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Number,
    Str(String),
    List,
    Map,
}

/// The type of node `n` of `t` (read from `text`, whose scalar quoting decides strings).
pub(crate) fn value(t: &Tree, n: NodeId, text: &str) -> Value {
    match &t.node(n).kind {
        NodeKind::Null => Value::Null,
        NodeKind::Seq(_) => Value::List,
        NodeKind::Map(_) => Value::Map,
        NodeKind::Alias(_) => Value::Null,
        NodeKind::Scalar { value } => {
            let r = t.range(n);
            let first = text.as_bytes().get(r.start).copied();
            if matches!(first, Some(b'"' | b'\'' | b'|' | b'>')) {
                return Value::Str(value.clone());
            }
            match value.as_str() {
                "true" | "True" | "TRUE" => Value::Bool(true),
                "false" | "False" | "FALSE" => Value::Bool(false),
                v if is_number(v) => Value::Number,
                v => Value::Str(v.to_string()),
            }
        }
    }
}

/// A plain scalar the core schema reads as a number (int, octal, hex, float, `.inf`, `.nan`).
fn is_number(v: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = v.strip_prefix(['-', '+']).unwrap_or(v);
    if digits(unsigned) {
        return true;
    }
    if let Some(o) = v.strip_prefix("0o") {
        return !o.is_empty() && o.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if let Some(h) = v.strip_prefix("0x") {
        return !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// `^[a-z0-9]+(?:-[a-z0-9]+)*$`.
fn is_kebab(s: &str) -> bool {
    !s.is_empty() && s.split('-').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// A change's `.openspec.yaml`, as `ChangeMetadataSchema` judges it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChangeMetadata {
    /// `schema:` when it is a non-empty string.
    pub schema: Option<Named>,
    /// `skip_specs:`: its value's type and where the entry is.
    pub skip_specs: Option<(Value, TextRange)>,
    /// The first problem (in the schema's key order): the field, what is wrong, where.
    pub problem: Option<(String, String, TextRange)>,
    /// Where findings about the file as a whole go (its first key, or its start).
    pub anchor: TextRange,
}

impl ChangeMetadata {
    /// Whether the metadata passes `ChangeMetadataSchema` (the schema name not yet checked).
    pub(crate) fn valid(&self) -> bool {
        self.problem.is_none()
    }

    pub(crate) fn read(t: &Tree, root: NodeId, text: &str) -> ChangeMetadata {
        let mut m = ChangeMetadata { anchor: t.range(root), ..ChangeMetadata::default() };
        if !t.is_map(root) {
            m.problem = Some((String::new(), "the file is not a mapping of keys to values".into(), t.range(root)));
            return m;
        }
        if let Some(&(k, _)) = t.entries(root).first() {
            m.anchor = t.range(k);
        }
        let mut problems: Vec<(usize, String, String, TextRange)> = Vec::new();
        let order = ["schema", "created", "goal", "affected_areas", "initiative", "skip_specs", "retire_capabilities"];
        let mut seen: Vec<&str> = Vec::new();
        for &(k, v) in t.entries(root) {
            let Some(key) = t.str(k) else { continue };
            if seen.contains(&key) {
                problems.push((0, key.to_string(), "is written twice (map keys must be unique)".into(), t.range(k)));
            }
            seen.push(key);
            let Some(rank) = order.iter().position(|o| *o == key) else { continue };
            let range = TextRange::new(t.range(k).start, t.range(v).end.max(t.range(k).end));
            let val = value(t, v, text);
            let problem = match (key, &val) {
                ("schema", Value::Str(s)) if !s.is_empty() => {
                    m.schema = Some(Named::new(s.clone(), t.range(v)));
                    None
                }
                ("schema", Value::Str(_)) => Some("is required (an empty name)".to_string()),
                ("schema", _) => Some("must be a schema name (a string)".to_string()),
                ("created", Value::Str(s)) => {
                    let ok =
                        s.len() == 10 && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
                    (!ok).then(|| "must be a YYYY-MM-DD date".to_string())
                }
                ("created", _) => Some("must be a YYYY-MM-DD date (a string)".to_string()),
                ("goal", Value::Str(s)) if !s.is_empty() => None,
                ("goal", _) => Some("must be a non-empty string".to_string()),
                ("affected_areas", Value::List) => {
                    let bad = t.items(v).iter().any(|&i| !matches!(value(t, i, text), Value::Str(s) if !s.is_empty()));
                    bad.then(|| "must be a list of non-empty strings".to_string())
                }
                ("affected_areas", _) => Some("must be a list of non-empty strings".to_string()),
                ("initiative", Value::Map) => {
                    let entries = t.entries(v);
                    let field_ok = |name: &str| t.get(v, name).is_some_and(|n| matches!(value(t, n, text), Value::Str(s) if is_kebab(&s)));
                    let extra = entries.iter().any(|&(k, _)| !matches!(t.str(k), Some("store" | "id")));
                    (!field_ok("store") || !field_ok("id") || extra).then(|| "must be {store, id}, both kebab-case".to_string())
                }
                ("initiative", _) => Some("must be {store, id}, both kebab-case".to_string()),
                ("skip_specs" | "retire_capabilities", Value::Bool(_)) => None,
                ("skip_specs" | "retire_capabilities", _) => Some("must be true or false".to_string()),
                _ => None,
            };
            if key == "skip_specs" {
                m.skip_specs = Some((val.clone(), range));
            }
            if let Some(p) = problem {
                problems.push((rank, key.to_string(), p, range));
            }
        }
        if m.schema.is_none() && !t.entries(root).iter().any(|(k, _)| t.str(*k) == Some("schema")) {
            problems.push((0, "schema".into(), "is required".into(), m.anchor));
        }
        problems.sort_by_key(|p| p.0);
        m.problem = problems.into_iter().next().map(|(_, k, p, r)| (k, p, r));
        m
    }
}

/// `openspec/config.yaml`: the project's default schema for changes without metadata.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProjectConfig {
    pub schema: Option<String>,
}

impl ProjectConfig {
    pub(crate) fn read(t: &Tree, root: NodeId, text: &str) -> ProjectConfig {
        let schema = t.get(root, "schema").and_then(|n| match value(t, n, text) {
            Value::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        });
        ProjectConfig { schema }
    }
}

/// An artifact of a workflow schema.
#[derive(Clone, Debug)]
pub(crate) struct Artifact {
    pub id: Named,
    /// The path or glob it generates, relative to the change folder.
    pub generates: String,
    /// Its template, relative to the schema's `templates/` folder.
    pub template: Option<String>,
    pub requires: Vec<Named>,
}

/// A workflow schema (`schema.yaml`): its artifacts, what apply tracks, and what makes it fail to
/// load.
#[derive(Clone, Debug, Default)]
pub(crate) struct Schema {
    pub name: String,
    pub artifacts: Vec<Artifact>,
    /// `apply.requires`.
    pub apply_requires: Vec<Named>,
    /// `apply.tracks`.
    pub tracks: Option<String>,
    /// Why OpenSpec would refuse to load it, and where.
    pub problems: Vec<(String, TextRange)>,
}

impl Schema {
    /// The artifact whose output apply tracks: the one generating `apply.tracks`, else `tasks`.
    pub(crate) fn tracked(&self) -> Option<&Artifact> {
        match &self.tracks {
            Some(t) => self.artifacts.iter().find(|a| &a.generates == t),
            None => self.artifacts.iter().find(|a| a.id.name == "tasks"),
        }
    }

    /// The artifacts in an order that respects `requires` (declaration order among the ready
    /// ones), or `None` when they form a cycle.
    pub(crate) fn ordered(&self) -> Option<Vec<&Artifact>> {
        // Kahn's algorithm with the ready artifacts taken in declaration order (n log n). A
        // duplicate id or a `requires` naming no artifact leaves artifacts never ready: `None`,
        // as for a cycle.
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, a) in self.artifacts.iter().enumerate() {
            if index.insert(a.id.name.as_str(), i).is_some() {
                return None;
            }
        }
        let mut waiting = vec![0usize; self.artifacts.len()];
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); self.artifacts.len()];
        for (i, a) in self.artifacts.iter().enumerate() {
            for r in &a.requires {
                let &j = index.get(r.name.as_str())?;
                waiting[i] += 1;
                dependents[j].push(i);
            }
        }
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
            (0..self.artifacts.len()).filter(|&i| waiting[i] == 0).map(std::cmp::Reverse).collect();
        let mut out = Vec::with_capacity(self.artifacts.len());
        while let Some(std::cmp::Reverse(i)) = ready.pop() {
            out.push(&self.artifacts[i]);
            for &d in &dependents[i] {
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    ready.push(std::cmp::Reverse(d));
                }
            }
        }
        (out.len() == self.artifacts.len()).then_some(out)
    }

    pub(crate) fn read(t: &Tree, root: NodeId, text: &str) -> Schema {
        let mut s = Schema::default();
        let whole = t.range(root);
        let str_of = |n: NodeId| match value(t, n, text) {
            Value::Str(v) => Some(v),
            _ => None,
        };
        match t.get(root, "name").and_then(str_of) {
            Some(n) if !n.is_empty() => s.name = n,
            _ => s.problems.push(("`name` is required".into(), whole)),
        }
        let version_ok = t.get(root, "version").is_some_and(|n| {
            matches!(value(t, n, text), Value::Number) && t.str(n).and_then(|v| v.parse::<i64>().ok()).is_some_and(|v| v > 0)
        });
        if !version_ok {
            let at = t.get(root, "version").map_or(whole, |n| t.range(n));
            s.problems.push(("`version` must be a positive integer".into(), at));
        }
        let relative = |p: &str| !p.is_empty() && !p.starts_with('/') && !p.split(['/', '\\']).any(|seg| seg == "..") && !p.contains('\0');
        let artifacts = t.get(root, "artifacts");
        for &a in artifacts.map(|n| t.items(n)).unwrap_or(&[]) {
            let id = t.get(a, "id").and_then(|n| str_of(n).filter(|v| !v.is_empty()).map(|v| Named::new(v, t.range(n))));
            let Some(id) = id else {
                s.problems.push(("an artifact has no `id`".into(), t.range(a)));
                continue;
            };
            let generates = t.get(a, "generates").and_then(str_of).unwrap_or_default();
            if !relative(&generates) {
                s.problems.push((format!("artifact `{}`: `generates` must be a relative path inside the change", id.name), t.range(a)));
            }
            let template = t.get(a, "template").and_then(str_of);
            if !template.as_deref().is_some_and(relative) {
                s.problems.push((format!("artifact `{}`: `template` must be a relative path", id.name), t.range(a)));
            }
            if t.get(a, "description").is_none_or(|n| str_of(n).is_none()) {
                s.problems.push((format!("artifact `{}`: `description` is required", id.name), t.range(a)));
            }
            let requires = t
                .get(a, "requires")
                .map(|n| t.items(n).iter().filter_map(|&r| str_of(r).map(|v| Named::new(v, t.range(r)))).collect())
                .unwrap_or_default();
            s.artifacts.push(Artifact { id, generates, template, requires });
        }
        if s.artifacts.is_empty() {
            s.problems.push(("at least one artifact is required".into(), artifacts.map_or(whole, |n| t.range(n))));
        }
        if let Some(apply) = t.get(root, "apply") {
            s.apply_requires = t
                .get(apply, "requires")
                .map(|n| t.items(n).iter().filter_map(|&r| str_of(r).map(|v| Named::new(v, t.range(r)))).collect())
                .unwrap_or_default();
            if s.apply_requires.is_empty() {
                s.problems.push(("`apply.requires` needs at least one artifact".into(), t.range(apply)));
            }
            s.tracks = t.get(apply, "tracks").and_then(str_of);
        }
        let ids: std::collections::HashSet<&str> = s.artifacts.iter().map(|a| a.id.name.as_str()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut problems = Vec::new();
        for a in &s.artifacts {
            if !seen.insert(a.id.name.as_str()) {
                problems.push((format!("duplicate artifact id `{}`", a.id.name), a.id.range));
            }
            for r in &a.requires {
                if !ids.contains(r.name.as_str()) {
                    problems.push((format!("artifact `{}` requires `{}`, which no artifact is", a.id.name, r.name), r.range));
                }
            }
        }
        for r in &s.apply_requires {
            if !ids.contains(r.name.as_str()) {
                problems.push((format!("`apply.requires` names `{}`, which no artifact is", r.name), r.range));
            }
        }
        if problems.is_empty() && s.ordered().is_none() {
            let at = s.artifacts.first().map_or(whole, |a| a.id.range);
            problems.push(("the artifacts' `requires` form a cycle".into(), at));
        }
        s.problems.extend(problems);
        s
    }
}

/// Whether a `.openspec.yaml` text that does not parse mentions `key` at a line start
/// (`^\s*(['"]?)key\1\s*:`, multiline).
pub(crate) fn mentions(text: &str, key: &str) -> bool {
    crate::text::lines(text).any(|l| {
        let l = l.trim_start();
        let (quote, rest) = match l.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &l[1..]),
            _ => (None, l),
        };
        let Some(rest) = rest.strip_prefix(key) else { return false };
        let rest = match quote {
            Some(q) => match rest.strip_prefix(q) {
                Some(r) => r,
                None => return false,
            },
            None => rest,
        };
        rest.trim_start().starts_with(':')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::parse_yaml;

    fn meta(text: &str) -> ChangeMetadata {
        let t = parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        ChangeMetadata::read(&t, t.root.unwrap_or_else(|| panic!("root")), text)
    }

    #[test]
    fn change_metadata_types_follow_the_core_schema() {
        let m = meta("schema: spec-driven\ncreated: 2026-01-15\nskip_specs: true\n");
        assert!(m.valid() && m.schema.as_ref().map(|s| s.name.as_str()) == Some("spec-driven"));
        assert_eq!(m.skip_specs.as_ref().map(|s| &s.0), Some(&Value::Bool(true)));
        for bad in [
            "schema: spec-driven\nskip_specs: yes\n",
            "schema: spec-driven\nskip_specs: \"true\"\n",
            "skip_specs: true\n",
            "schema: 3\n",
            "schema: x\ncreated: 15/01/2026\n",
            "schema: x\ngoal:\n",
        ] {
            assert!(!meta(bad).valid(), "{bad}");
        }
        assert!(meta("schema: 'spec-driven'\nextra: 1\ncreated: '2026-01-15'\n").valid());
        assert!(mentions("a: [\n  skip_specs : true\n", "skip_specs") && mentions("'skip_specs': x", "skip_specs"));
        assert!(!mentions("# maybe add skip_specs later\n", "skip_specs"));
    }

    #[test]
    fn schemas() {
        let text = "name: rfc\nversion: 1\nartifacts:\n  - {id: rfc, generates: rfc.md, template: rfc.md, description: d}\n  - {id: plan, generates: plan.md, template: plan.md, description: d, requires: [rfc]}\n  - {id: impl, generates: '**/*.md', template: t.md, description: d, requires: [plan, rfc]}\napply:\n  requires: [plan]\n  tracks: plan.md\n";
        let t = parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        let s = Schema::read(&t, t.root.unwrap_or_default(), text);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.tracked().map(|a| a.id.name.as_str()), Some("plan"));
        let text = "name: loop\nversion: 1\nartifacts:\n  - {id: a, generates: a.md, template: a.md, description: d, requires: [b]}\n  - {id: b, generates: b.md, template: b.md, description: d, requires: [a]}\n";
        let t = parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        let s = Schema::read(&t, t.root.unwrap_or_default(), text);
        assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
    }

    fn ordered_ids(text: &str) -> Option<Vec<String>> {
        let t = parse_yaml(text, 0).unwrap_or_else(|e| panic!("{e:?}"));
        let s = Schema::read(&t, t.root.unwrap_or_default(), text);
        s.ordered().map(|o| o.iter().map(|a| a.id.name.clone()).collect())
    }

    #[test]
    fn artifacts_ordered_by_requires_then_declaration() {
        let art =
            |id: &str, req: &str| format!("  - {{id: {id}, generates: {id}.md, template: t.md, description: d, requires: [{req}]}}\n");
        let text = format!(
            "name: s\nversion: 1\nartifacts:\n{}{}{}{}",
            art("tasks", "specs, design"),
            art("design", "proposal"),
            art("proposal", ""),
            art("specs", "proposal")
        );
        assert_eq!(ordered_ids(&text), Some(vec!["proposal".into(), "design".into(), "specs".into(), "tasks".into()]));
        // A chain declared last to first: each artifact becomes ready only after the one after it.
        let n = 3000;
        let mut text = String::from("name: s\nversion: 1\nartifacts:\n");
        for i in 0..n {
            text.push_str(&art(&format!("a{i}"), &if i + 1 < n { format!("a{}", i + 1) } else { String::new() }));
        }
        let order = ordered_ids(&text).unwrap_or_default();
        assert_eq!(order.len(), n);
        assert_eq!((order[0].as_str(), order[n - 1].as_str()), (format!("a{}", n - 1).as_str(), "a0"));
        // An unknown requirement or a duplicate id leaves no order.
        assert_eq!(ordered_ids(&format!("name: s\nversion: 1\nartifacts:\n{}", art("a", "ghost"))), None);
        assert_eq!(ordered_ids(&format!("name: s\nversion: 1\nartifacts:\n{}{}", art("a", ""), art("a", ""))), None);
    }
}
