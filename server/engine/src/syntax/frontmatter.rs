//! YAML front matter: a `---` line at the top of a Markdown file, YAML, and a closing `---` or
//! `...` line (the Jekyll/Hugo convention used by seeds 000 and 002).

use crate::text::TextRange;

/// Where a front matter block sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    /// The YAML between the fences.
    pub yaml: TextRange,
    /// From the opening fence to the end of the closing fence line, newline included.
    pub whole: TextRange,
}

/// Finds front matter at the top of `text`. Lines holding only spaces may precede the opening
/// fence: they are what a masked merge-conflict marker leaves (seed 000 starts with `<<<<<<< HEAD`
/// before its front matter).
pub(crate) fn find(text: &str) -> Option<FrontMatter> {
    // A byte-order mark kept in an editor's buffer does not hide the front matter after it.
    let bom = if text.starts_with(crate::facts::BOM) { crate::facts::BOM.len_utf8() } else { 0 };
    let mut offset = bom;
    let mut lines = crate::text::lines_inclusive(&text[bom..]);
    let open_start;
    loop {
        let line = lines.next()?;
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_end() == "---" {
            open_start = offset;
            offset += line.len();
            break;
        }
        if !content.is_empty() && content.bytes().all(|b| b == b' ') {
            offset += line.len();
            continue;
        }
        return None;
    }
    let yaml_start = offset;
    for line in lines {
        let content = line.trim_end_matches(['\n', '\r']).trim_end();
        if content == "---" || content == "..." {
            return Some(FrontMatter { yaml: TextRange::new(yaml_start, offset), whole: TextRange::new(open_start, offset + line.len()) });
        }
        offset += line.len();
    }
    None
}

/// An opening `---` line at the top of `text` that is never closed although the lines after it
/// read as front matter: at least two `key: value` lines (blank lines and indented or `- `
/// continuation lines between them allowed) before anything else. A tool that reads front
/// matter gets none from such a file (olaf prompts whose closing line was lost). Returns the
/// opening line's range; `None` when [`find`] finds closed front matter.
pub(crate) fn find_unclosed(text: &str) -> Option<TextRange> {
    if find(text).is_some() {
        return None;
    }
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    let opener = loop {
        let line = lines.next()?;
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_end() == "---" {
            break TextRange::new(offset, offset + content.len());
        }
        if !content.is_empty() && content.bytes().all(|b| b == b' ') {
            offset += line.len();
            continue;
        }
        return None;
    };
    let is_key = |l: &str| {
        let Some((key, _)) = l.split_once(':') else { return false };
        let rest = &l[key.len() + 1..];
        !key.is_empty()
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && (rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
    };
    let mut keys = 0;
    for line in lines {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() || (keys > 0 && (content.starts_with([' ', '\t']) || content.starts_with("- "))) {
            continue;
        }
        if !is_key(content) {
            break;
        }
        keys += 1;
    }
    (keys >= 2).then_some(opener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_front_matter_after_blanked_lines_only() {
        let text = "            \n---\nname: x\n---\n# T\n";
        let fm = find(text).unwrap_or_else(|| panic!("front matter"));
        assert_eq!(&text[fm.yaml.start..fm.yaml.end], "name: x\n");
        assert_eq!(&text[fm.whole.end..], "# T\n");
        assert!(find("\n---\nname: x\n---\n").is_none());
        assert!(find("# T\n---\n").is_none());
        assert!(find("---\nunclosed: 1\n").is_none());
        // After a byte-order mark, offsets still count it.
        let fm = find("\u{feff}---\nname: x\n---\n").unwrap_or_else(|| panic!("front matter"));
        assert_eq!((fm.whole.start, fm.yaml.start), (3, 7));
    }

    #[test]
    fn unclosed_front_matter_needs_two_keys_and_no_closer() {
        let text = "---\n\nname: review\n\ndescription: Review code\ntags: [a,\n  b]\n\n## Time Retrieval\nUse the helper.\n";
        assert_eq!(find_unclosed(text), Some(TextRange::new(0, 3)));
        // A thematic break at the top followed by prose, one key only, or closed front matter.
        assert_eq!(find_unclosed("---\n\n# Title\nname: x\nb: y\n"), None);
        assert_eq!(find_unclosed("---\nNote: one line\n\nText.\n"), None);
        assert_eq!(find_unclosed("---\nname: x\ntags: y\n---\n# T\n"), None);
        assert_eq!(find_unclosed("# T\n---\nname: x\ntags: y\n"), None);
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = "---\rname: x\r---\r# T\r";
        let fm = find(text).unwrap_or_else(|| panic!("front matter"));
        assert_eq!(&text[fm.yaml.start..fm.yaml.end], "name: x\r");
        assert_eq!(&text[fm.whole.end..], "# T\r");
    }
}
