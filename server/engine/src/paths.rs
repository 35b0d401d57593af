//! Workspace-relative paths: resolving a path written in a document, keeping it inside the
//! workspace, and matching deliverable paths that hold placeholders.
//!
//! Paths are `/`-separated and relative to the workspace root, without `.` or `..` segments.

/// Whether `path` holds a placeholder: `{x}` (seed 002's `v{x}`), `<feature-name>` (seed 002),
/// `[feature]` (seed 001's `INTERFACE-[feature].md`) or `[id:name]` (seed 000's memory-map ids).
pub(crate) fn has_placeholder(path: &str) -> bool {
    path.contains('{') || path.contains('<') || path.contains('[')
}

/// Resolves `written` (as found in the document at workspace-relative `doc_path`) to a
/// workspace-relative path. Paths starting with `./` or `../` are relative to the document's
/// folder; others to the workspace root; a leading `/` is dropped. `Err` when the path climbs out of
/// the workspace (`../../outside.md`) or is empty.
pub(crate) fn resolve(doc_path: &str, written: &str) -> Result<String, String> {
    let written = written.trim().trim_start_matches('/');
    if written.is_empty() {
        return Err("empty path".to_string());
    }
    let relative_to_doc = written.starts_with("./") || written.starts_with("../");
    let mut parts: Vec<&str> = Vec::new();
    if relative_to_doc {
        parts.extend(doc_path.split('/'));
        parts.pop();
    }
    for segment in written.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{written}` points outside the workspace"));
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err(format!("`{written}` names no file"));
    }
    Ok(parts.join("/"))
}

/// The folder of a workspace-relative path (`""` for the root).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The last segment of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether `text` ends with ASCII `suffix`, ignoring ASCII case (no lowercase copy made).
pub(crate) fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len() && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Whether `text` holds ASCII `needle`, ignoring ASCII case (no lowercase copy made).
pub(crate) fn contains_ignore_case(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The file name without its last extension (`seed.md` → `seed`, `a.workflow.yaml` →
/// `a.workflow`).
pub(crate) fn file_stem(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// A compiled deliverable pattern: the literal folder before the first placeholder (to scan only
/// files under it) and a glob matcher for the rest of the path.
#[derive(Clone, Debug)]
pub(crate) struct PathPattern {
    /// Literal prefix folder, `""` or ending in `/`.
    pub prefix: String,
    /// Matches the path after `prefix`; shared by every pattern with the same glob, so they share
    /// one compiled regular expression and its caches.
    matcher: std::sync::Arc<globset::GlobMatcher>,
}

/// Compiled matchers by glob: compiling one builds a regular expression, and a framework
/// instantiates the same pattern in every feature folder (only the folder, `prefix`, differs).
/// Bounded: cleared when it holds 4,096 globs.
static MATCHERS: std::sync::LazyLock<std::sync::Mutex<foldhash::HashMap<String, std::sync::Arc<globset::GlobMatcher>>>> =
    std::sync::LazyLock::new(Default::default);

impl PathPattern {
    /// Compiles a resolved path holding placeholders. Each placeholder matches one or more
    /// characters within a path segment, except `[id:name]` and `{**}`, which may span folders
    /// (`{**}` also none: `specs/{*}/{**}/spec.md` matches `specs/a/spec.md` and
    /// `specs/a/b/spec.md`). `None` when the pattern cannot be compiled.
    pub(crate) fn new(path: &str) -> Option<PathPattern> {
        let first_placeholder = path.find(['{', '<', '[']).filter(|&i| {
            let close = match path.as_bytes()[i] {
                b'{' => '}',
                b'<' => '>',
                _ => ']',
            };
            path[i..].contains(close)
        });
        let literal = &path[..first_placeholder.unwrap_or(path.len())];
        let prefix = match literal.rfind('/') {
            Some(i) => literal[..=i].to_string(),
            None => String::new(),
        };
        let mut glob = String::new();
        let mut rest = &path[prefix.len()..];
        while let Some(start) = rest.find(['{', '<', '[']) {
            let close = match rest.as_bytes()[start] {
                b'{' => '}',
                b'<' => '>',
                _ => ']',
            };
            let Some(len) = rest[start..].find(close) else { break };
            glob.push_str(&globset::escape(&rest[..start]));
            let inner = &rest[start + 1..start + len];
            glob.push_str(if inner.starts_with("id:") || inner == "**" { "**" } else { "?*" });
            rest = &rest[start + len + 1..];
        }
        glob.push_str(&globset::escape(rest));
        let mut cache = MATCHERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(m) = cache.get(&glob) {
            return Some(PathPattern { prefix, matcher: m.clone() });
        }
        let matcher = std::sync::Arc::new(globset::GlobBuilder::new(&glob).literal_separator(true).build().ok()?.compile_matcher());
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(glob, matcher.clone());
        Some(PathPattern { prefix, matcher })
    }

    /// Whether workspace-relative `path` matches.
    pub(crate) fn is_match(&self, path: &str) -> bool {
        path.strip_prefix(self.prefix.as_str()).is_some_and(|tail| self.matcher.is_match(tail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_to_root_or_document() {
        assert_eq!(resolve("docs/wf.md", ".work/a.md"), Ok(".work/a.md".to_string()));
        assert_eq!(resolve("docs/wf.md", "./a.md"), Ok("docs/a.md".to_string()));
        assert_eq!(resolve("docs/x/wf.md", "../a.md"), Ok("docs/a.md".to_string()));
        assert!(resolve("wf.md", "../../outside.md").is_err());
        assert!(resolve("docs/wf.md", "../../outside.md").is_err());
    }

    #[test]
    fn placeholders_match_file_name_parts() {
        let p = PathPattern::new(".ops/build/v{x}/<feature-name>/specs.md").unwrap_or_else(|| panic!("compiles"));
        assert_eq!(p.prefix, ".ops/build/");
        assert!(p.is_match(".ops/build/v1/checkout/specs.md"));
        assert!(!p.is_match(".ops/build/v1/specs.md"));
        assert!(!p.is_match(".ops/build/v1/a/b/specs.md"));
        let p = PathPattern::new(".work/INTERFACE-[feature].md").unwrap_or_else(|| panic!("compiles"));
        assert!(p.is_match(".work/INTERFACE-auth.md"));
        assert!(!p.is_match(".work/INTERFACE-.md"));
        let p = PathPattern::new("[id:findings_dir]/report*.md").unwrap_or_else(|| panic!("compiles"));
        assert!(p.is_match("out/findings/report*.md"));
        assert!(!p.is_match("out/findings/report1.md"), "a literal `*` is not a wildcard");
        let p = PathPattern::new("c/specs/{*}/{**}/spec.md").unwrap_or_else(|| panic!("compiles"));
        assert!(p.is_match("c/specs/auth/spec.md") && p.is_match("c/specs/area/auth/spec.md"));
        assert!(!p.is_match("c/specs/spec.md") && !p.is_match("c/specs/auth/notes.md"));
    }
}
