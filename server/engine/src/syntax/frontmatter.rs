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
    let mut offset = 0;
    let mut lines = crate::text::lines_inclusive(text);
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
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = "---\rname: x\r---\r# T\r";
        let fm = find(text).unwrap_or_else(|| panic!("front matter"));
        assert_eq!(&text[fm.yaml.start..fm.yaml.end], "name: x\r");
        assert_eq!(&text[fm.whole.end..], "# T\r");
    }
}
