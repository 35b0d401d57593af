; extends
; phasegate: workflow markers in Markdown (block grammar).
; #match? regexes are read as very-magic Vim regexes by Neovim and by Rust's regex
; crate elsewhere: keep to syntax both read alike (groups, |, ?, +, {n}, classes),
; and write < = > inside brackets, since Vim's very magic reads them as operators.

; Phase headings: `## Phase 2.5: Design`, `### Sub-Workflow 1: Design`, `Workflow 2:`, `Step -1:`
((atx_heading
  heading_content: (inline) @keyword)
  (#match? @keyword "^(Phase|Sub-Workflow|Workflow|Step) -?[0-9]+(\\.[0-9]+)?:"))

; A paragraph or list item that starts with TBD or TODO
((inline) @comment.todo
  (#match? @comment.todo "^(TBD|TODO)([^A-Za-z0-9_]|$)"))

; Merge-conflict markers. `<<<<<<< ours` starts a paragraph (the conflicted text),
; `=======` after it is a setext underline, `>>>>>>> theirs` parses as nested block quotes.
((inline) @comment.error
  (#match? @comment.error "^[<]{7}"))

((setext_h1_underline) @comment.error
  (#match? @comment.error "^[=]{7}$"))

((block_quote) @comment.error
  (#match? @comment.error "^[>]{7}"))
