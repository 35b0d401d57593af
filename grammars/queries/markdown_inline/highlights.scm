; extends
; phasegate: workflow markers in Markdown inline content.
; Plain words have no node in this grammar: task ids and TBD/TODO are matched
; when written as code or bold (`T001`, **T1**); markdown/highlights.scm covers
; paragraphs that start with TBD/TODO. Regex rules: see markdown/highlights.scm.

; **Gate Check**: ... → Proceed to Phase 2
((strong_emphasis) @keyword
  (#any-of? @keyword "**Gate Check**" "__Gate Check__"))

; [id:findings_dir] memory-map references
((shortcut_link
  (link_text) @constant)
  (#match? @constant "^id:[A-Za-z0-9_./-]+$"))

; `[id:prompts_dir]path/to/file.md`
((code_span) @constant
  (#match? @constant "^.\\[id:[A-Za-z0-9_./-]+\\]"))

; [NEEDS CLARIFICATION: ...]
((shortcut_link) @comment.warning
  (#match? @comment.warning "^\\[NEEDS CLARIFICATION"))

; Task ids: `T001`, **T1**
((code_span) @label
  (#match? @label "^.T[0-9]+.$"))

((strong_emphasis) @label
  (#match? @label "^..T[0-9]+..$"))

; `TBD`, `TODO`, **TBD**, **TODO**
((code_span) @comment.todo
  (#match? @comment.todo "^.(TBD|TODO).$"))

((strong_emphasis) @comment.todo
  (#match? @comment.todo "^..(TBD|TODO)..$"))
