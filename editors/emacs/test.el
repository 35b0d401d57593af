;;; test.el --- headless end-to-end test of phasegate with eglot -*- lexical-binding: t -*-

;; Usage (editors/emacs/run.sh does all of this):
;;
;;   cd WORKSPACE && PATH=DIR-WITH-phasegate:$PATH emacs --batch -l test.el README
;;
;; WORKSPACE is a copy of editors/vscode/test/fixture/ (with a .git folder, so that project.el
;; takes it as the project root); README is editors/README.md.  The test reads the eglot
;; configuration from README ("Emacs (eglot)": the ```elisp block the docs say this test runs)
;; and evaluates it as it is, with eglot's default client capabilities.  It then checks, through
;; eglot's own commands (`eglot-code-actions', with the user's choice made by a stand-in for
;; `completing-read'), what a user gets: diagnostics on open (and the configured severity), an
;; enabled "Advance" applied, diagnostics following, a blocked "Advance" that says why, the
;; "Create" quick fix offered, "Scaffold" creating the file (eglot 1.9 cannot create files, so
;; the server does it through the `phasegate.create' command), and diagnostics following again.
;; Prints one "ok"/"not ok" line per check and "N passed, N failed"; exits 0 when all passed.

;;; Code:

(require 'package)
(package-initialize)                    ; batch mode skips it; Debian's elpa-* packages live there
(require 'eglot)
(require 'flymake)
(require 'cl-lib)

(defvar phasegate-test-timeout 30 "Seconds to wait for one thing.")
(defvar phasegate-test-passed 0)
(defvar phasegate-test-failed 0)
(defvar phasegate-test-messages nil "Every message shown, newest first.")

(advice-add 'message :around
            (lambda (orig format-string &rest args)
              (let ((text (apply orig format-string args)))
                (when text (push text phasegate-test-messages))
                text)))

(defun phasegate-test-events ()
  "The last part of eglot's events buffer."
  (let ((buffer (cl-find-if (lambda (b) (string-match-p "EGLOT.*events" (buffer-name b))) (buffer-list))))
    (if (not buffer) "(no events buffer)"
      (with-current-buffer buffer
        (buffer-substring-no-properties (max (point-min) (- (point-max) 3000)) (point-max))))))

(defun phasegate-test-check (name fn)
  "Run FN as the check NAME; once one fails, the rest are not run."
  (if (> phasegate-test-failed 0)
      (progn (setq phasegate-test-failed (1+ phasegate-test-failed))
             (princ (format "not ok - eglot: %s (not run: an earlier step failed)\n" name)))
    (condition-case err
        (progn (funcall fn)
               (setq phasegate-test-passed (1+ phasegate-test-passed))
               (princ (format "ok - eglot: %s\n" name)))
      (error
       (setq phasegate-test-failed (1+ phasegate-test-failed))
       (princ (format "not ok - eglot: %s\n    %s\n---- eglot events\n%s\n" name
                      (error-message-string err) (phasegate-test-events)))))))

(defun phasegate-test-wait (what predicate)
  "Wait until PREDICATE returns non-nil (sending edits and running Flymake each round)."
  (let ((deadline (+ (float-time) phasegate-test-timeout)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1)
      (dolist (buffer (buffer-list))
        (with-current-buffer buffer
          (when (and (bound-and-true-p flymake-mode) (eglot-current-server))
            ;; eglot sends edits from an idle timer, and batch mode is never idle: send them
            ;; as that timer would.  Flymake asks eglot for what the server pushed.
            (eglot--signal-textDocument/didChange)
            (flymake-start)))))
    (or value (error "Timed out waiting for %s" what))))

(defun phasegate-test-diagnostics (buffer)
  "The server's diagnostics in BUFFER as (CODE LINE TYPE TEXT)."
  (with-current-buffer buffer
    (cl-loop for diag in (flymake-diagnostics)
             for spec = (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diag))
             when spec
             collect (list (plist-get spec :code)
                           (line-number-at-pos (flymake-diagnostic-beg diag))
                           (flymake-diagnostic-type diag)
                           (flymake-diagnostic-text diag)))))

(defun phasegate-test-goto (buffer regexp)
  "Make BUFFER current and put point at the first match of REGEXP."
  (set-buffer buffer)
  (goto-char (point-min))
  (unless (re-search-forward regexp nil t) (error "No %s in %s" regexp (buffer-name)))
  (goto-char (match-beginning 0)))

(defun phasegate-test-offered ()
  "The titles `eglot-code-actions' offers at point."
  (mapcar (lambda (a) (plist-get a :title)) (eglot-code-actions (point) nil nil nil)))

(defun phasegate-test-choose (prefix)
  "Run `eglot-code-actions' at point as a user would, choosing the title starting with PREFIX.
Returns every title offered."
  (let* ((titles (phasegate-test-offered))
         (title (or (cl-find-if (lambda (x) (string-prefix-p prefix x)) titles)
                    (error "No action starting with %S among %S" prefix titles))))
    (cl-letf (((symbol-function 'completing-read) (lambda (&rest _) title))
              ((symbol-function 'y-or-n-p) (lambda (&rest _) t)))
      (let ((last-nonmenu-event ?\r))     ; chosen from the keyboard, not a mouse menu
        (eglot-code-actions (point) nil nil t)))
    titles))

(defun phasegate-test-told (text)
  "A message shown so far that contains TEXT."
  (cl-find-if (lambda (m) (string-search text m)) phasegate-test-messages))

(unless (executable-find "phasegate")
  (princ "not ok - eglot: no `phasegate' on PATH\n")
  (kill-emacs 1))

;;; The configuration of editors/README.md, read from it and evaluated as it is.
(let* ((readme (or (car command-line-args-left) (error "Usage: emacs --batch -l test.el README")))
       (text (with-temp-buffer (insert-file-contents readme) (buffer-string)))
       (lead "This is the configuration `editors/emacs/test.el` runs, as it is:")
       (at (or (string-search lead text) (error "%s: no %S (the eglot test runs the block after it)" readme lead)))
       (start (or (string-match "```elisp\n" text at) (error "%s: no ```elisp block after %S" readme lead)))
       (body (substring text (match-end 0) (string-search "\n```" text (match-end 0)))))
  (setq command-line-args-left nil)
  (message "emacs eglot: evaluating the configuration of %s:\n%s" readme body)
  (with-temp-buffer
    (insert body)
    (goto-char (point-min))
    (condition-case nil
        (while t (eval (read (current-buffer)) t))
      (end-of-file nil))))

(message "emacs eglot: Emacs %s, eglot from %s, markdown-mode from %s, yaml-mode from %s"
         emacs-version (locate-library "eglot") (locate-library "markdown-mode") (locate-library "yaml-mode"))

(defvar phasegate-workflow nil)
(defvar phasegate-state nil)
(defun phasegate-test-open (file)
  "Visit FILE as a user would; eglot-ensure connects from `post-command-hook'."
  (let ((buffer (find-file-noselect (expand-file-name file default-directory))))
    (set-buffer buffer)
    ;; No command loop in batch mode: run the hook as it would after the command.
    (run-hooks 'post-command-hook)
    buffer))

(phasegate-test-check
 "the server attaches to the workflow doc and the state file (markdown-mode, yaml-mode)"
 (lambda ()
   (setq phasegate-workflow (phasegate-test-open "workflow.md"))
   (unless (eq (buffer-local-value 'major-mode phasegate-workflow) 'markdown-mode)
     (error "workflow.md is in %s" (buffer-local-value 'major-mode phasegate-workflow)))
   (setq phasegate-state (phasegate-test-open "fixture-feature.state.yaml"))
   (unless (eq (buffer-local-value 'major-mode phasegate-state) 'yaml-mode)
     (error "the state file is in %s" (buffer-local-value 'major-mode phasegate-state)))
   (phasegate-test-wait "eglot on both files"
                        (lambda () (and (with-current-buffer phasegate-workflow (eglot-current-server))
                                        (with-current-buffer phasegate-state (eglot-current-server)))))))

(phasegate-test-check
 "diagnostics appear on open, with the configured severity"
 (lambda ()
   (phasegate-test-wait
    "gate-dangling on line 33 as a warning (the server's default is an error)"
    (lambda () (cl-find-if (lambda (d) (and (equal (nth 0 d) "gate-dangling") (= (nth 1 d) 33)
                                            (eq (nth 2 d) 'eglot-warning)))
                           (phasegate-test-diagnostics phasegate-workflow))))))

(phasegate-test-check
 "an enabled \"Advance\" at the current: line is applied"
 (lambda ()
   (phasegate-test-goto phasegate-state "^current:")
   (phasegate-test-choose "Advance fixture-feature to design")
   (phasegate-test-wait "current: design in the buffer"
                        (lambda () (with-current-buffer phasegate-state
                                     (save-excursion (goto-char (point-min))
                                                     (re-search-forward "^current: *design *$" nil t)))))))

(phasegate-test-check
 "diagnostics follow the new state"
 (lambda ()
   (phasegate-test-wait "missing-deliverable for docs/design.md"
                        (lambda () (cl-find-if (lambda (d) (and (equal (nth 0 d) "missing-deliverable")
                                                                (string-search "docs/design.md" (nth 3 d))))
                                               (phasegate-test-diagnostics phasegate-workflow))))))

(phasegate-test-check
 "the quick fix \"Create `docs/design.md`\" is offered on its line"
 (lambda ()
   (phasegate-test-goto phasegate-workflow "docs/design\\.md")
   (let ((titles (phasegate-test-offered)))
     (unless (member "Create `docs/design.md`" titles) (error "Not offered: %S" titles)))))

(phasegate-test-check
 "a blocked \"Advance\" is offered with its reason, and says why when chosen"
 (lambda ()
   (phasegate-test-goto phasegate-state "^current:")
   (let* ((titles (phasegate-test-choose "Advance fixture-feature to implementation"))
          (title (cl-find-if (lambda (x) (string-prefix-p "Advance fixture-feature to implementation" x)) titles)))
     (unless (string-search "not yet:" title) (error "No reason in %S" title)))
   (let ((shown (phasegate-test-wait "the refusal" (lambda () (phasegate-test-told "Advance fixture-feature to implementation:")))))
     (unless (string-search "Design reviewed by a second person" shown) (error "Criteria not named: %s" shown)))))

(phasegate-test-check
 "\"Scaffold\" creates the deliverable (through phasegate.create) and says so"
 (lambda ()
   (let ((design (expand-file-name "docs/design.md" default-directory)))
     (when (file-exists-p design) (error "docs/design.md exists already"))
     (phasegate-test-goto phasegate-state "^current:")
     (phasegate-test-choose "Scaffold deliverables for design")
     (phasegate-test-wait "docs/design.md on disk" (lambda () (file-exists-p design)))
     (unless (string-search "phase: design" (with-temp-buffer (insert-file-contents design) (buffer-string)))
       (error "docs/design.md lacks its front matter"))
     (phasegate-test-wait "the message saying what was created" (lambda () (phasegate-test-told "created `docs/design.md`"))))))

(phasegate-test-check
 "diagnostics follow the scaffold"
 (lambda ()
   (phasegate-test-wait "no missing-deliverable for docs/design.md"
                        (lambda () (not (cl-find-if (lambda (d) (and (equal (nth 0 d) "missing-deliverable")
                                                                     (string-search "docs/design.md" (nth 3 d))))
                                                    (phasegate-test-diagnostics phasegate-workflow)))))))

(phasegate-test-check
 "\"Start\" is offered on the first phase once the run has no state file, and creates it"
 (lambda ()
   (let ((state (expand-file-name "fixture-feature.state.yaml" default-directory)))
     (delete-file state)
     (with-current-buffer phasegate-state (set-buffer-modified-p nil))
     (kill-buffer phasegate-state)        ; didClose: the server reads the disk again, finds no file
     (phasegate-test-goto phasegate-workflow "^## Phase 1")
     (phasegate-test-choose "Start fixture-feature")
     (phasegate-test-wait "the new state file on disk" (lambda () (file-exists-p state)))
     (unless (string-search "current: requirements" (with-temp-buffer (insert-file-contents state) (buffer-string)))
       (error "The new state file does not start at requirements"))
     (phasegate-test-wait "the message saying what was created"
                          (lambda () (phasegate-test-told "created `fixture-feature.state.yaml`"))))))

(princ (format "emacs eglot: %d passed, %d failed\n" phasegate-test-passed phasegate-test-failed))
(ignore-errors (with-current-buffer phasegate-workflow (eglot-shutdown (eglot-current-server))))
(kill-emacs (if (= phasegate-test-failed 0) 0 1))

;;; test.el ends here
