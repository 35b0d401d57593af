;;; test.el --- headless check of phasegate with eglot -*- lexical-binding: t -*-

;; Usage (editors/emacs/run.sh does all of this):
;;
;;   cd WORKSPACE && PATH=DIR-WITH-phasegate:$PATH emacs --batch -l test.el
;;
;; WORKSPACE is a copy of editors/vscode/test/fixture/ (with a .git folder, so that
;; project.el takes it as the project root).  The configuration below is the one
;; editors/README.md ("Emacs (eglot)") gives; the test opens workflow.md, lets eglot
;; start `phasegate lsp', waits for the server's diagnostics in Flymake and checks
;; that the fixture's `gate-dangling' (its last gate proceeds to a Phase 4 that does
;; not exist) is reported on line 33 as a warning: the server's default is an error,
;; so a warning also shows that the configured settings reached the server.
;; Exits 0 on success, 1 otherwise.

;;; Code:

(require 'package)
(package-initialize)                    ; batch mode skips it; Debian's elpa-eglot lives there
(require 'eglot)
(require 'flymake)
(require 'cl-lib)

(defvar phasegate-test-timeout 60 "Seconds to wait for the server's diagnostics.")

(defun phasegate-test-fail (format-string &rest args)
  "Print FORMAT-STRING with ARGS, the eglot events, and exit 1."
  (message "emacs eglot: FAILED: %s" (apply #'format format-string args))
  (dolist (buffer (buffer-list))
    (when (string-match-p "EGLOT.*\\(events\\|stderr\\)" (buffer-name buffer))
      (message "---- %s (last 4000 characters)" (buffer-name buffer))
      (with-current-buffer buffer
        (message "%s" (buffer-substring-no-properties (max (point-min) (- (point-max) 4000))
                                                      (point-max))))))
  (kill-emacs 1))

(unless (executable-find "phasegate")
  (phasegate-test-fail "no `phasegate' on PATH"))

;; Emacs 28's emacs-nox ships no markdown-mode (install elpa-markdown-mode or
;; markdown-mode from MELPA for the real one).  Without it, a stand-in derived
;; from text-mode, so that .md files get a mode eglot can be told about.
(unless (fboundp 'markdown-mode)
  (define-derived-mode markdown-mode text-mode "Markdown"
    "Stand-in for markdown-mode (not installed): plain text.")
  (add-to-list 'auto-mode-alist '("\\.md\\'" . markdown-mode)))

;;; The configuration of editors/README.md, as it is there.
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((markdown-mode gfm-mode yaml-mode yaml-ts-mode json-mode json-ts-mode js-json-mode)
                 . ("phasegate" "lsp"
                    :initializationOptions (:severity (:gate-dangling "warning"))))))
(add-hook 'markdown-mode-hook #'eglot-ensure)
(add-hook 'yaml-mode-hook #'eglot-ensure)
;;; End of the README's configuration.

(message "emacs eglot: Emacs %s, eglot from %s, markdown-mode from %s"
         emacs-version (locate-library "eglot")
         (or (symbol-file 'markdown-mode) "the stand-in above"))

(find-file (expand-file-name "workflow.md" default-directory))
(unless (eq major-mode 'markdown-mode)
  (phasegate-test-fail "workflow.md opened in %s, not markdown-mode" major-mode))
;; eglot-ensure connects from post-command-hook, after the command that opened the
;; file; there is no command loop in batch mode, so run the hook as it would.
(condition-case err
    (run-hooks 'post-command-hook)
  (error (phasegate-test-fail "eglot could not start `phasegate lsp': %s" (error-message-string err))))

(defun phasegate-test-diagnostics ()
  "Flymake diagnostics of the current buffer that came from the server."
  (cl-remove-if-not (lambda (diag) (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diag)))
                    (flymake-diagnostics)))

(let ((deadline (+ (float-time) phasegate-test-timeout))
      (started nil)
      found)
  (while (and (not found) (< (float-time) deadline))
    (accept-process-output nil 0.2)
    (when (and (eglot-current-server) (not started) (bound-and-true-p flymake-mode))
      (setq started t)
      (message "emacs eglot: connected to %s; waiting for diagnostics"
               (plist-get (eglot--server-info (eglot-current-server)) :name)))
    ;; Flymake asks its backends (eglot's among them) when it starts a check; eglot
    ;; hands it what the server pushed.  Start one each round until something arrives.
    (when (bound-and-true-p flymake-mode)
      (flymake-start)
      (setq found (phasegate-test-diagnostics))))
  (unless (eglot-current-server)
    (phasegate-test-fail "eglot did not connect to `phasegate lsp'"))
  (unless found
    (phasegate-test-fail "no diagnostics within %ss" phasegate-test-timeout))
  (let (matched)
    (dolist (diag found)
      (let* ((spec (alist-get 'eglot-lsp-diag (flymake-diagnostic-data diag)))
             (line (line-number-at-pos (flymake-diagnostic-beg diag))))
        (message "emacs eglot: diagnostic line %d %s: %s"
                 line (flymake-diagnostic-type diag) (flymake-diagnostic-text diag))
        (when (and (equal (plist-get spec :code) "gate-dangling")
                   (= line 33)
                   (eq (flymake-diagnostic-type diag) 'eglot-warning))
          (setq matched diag))))
    (unless matched
      (phasegate-test-fail "no gate-dangling warning on line 33 of workflow.md"))
    (message "emacs eglot: ok: gate-dangling on workflow.md:33 (warning, as configured)")
    (ignore-errors (eglot-shutdown (eglot-current-server)))
    (kill-emacs 0)))

;;; test.el ends here
