//! Syntax layer: turns a file's text into outlines the workflow extractors read.
//!
//! Nothing here knows about workflows. Every range is a byte range into the file's original text.

pub(crate) mod conflict;
pub(crate) mod frontmatter;
pub(crate) mod markdown;
pub(crate) mod tree;
