//! Exists to test the editor grammars in this folder (`queries/**/highlights.scm`); see `tests/queries.rs`.
