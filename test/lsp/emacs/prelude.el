;;; prelude.el --- shared by every scenario: eglot on $KAILASH_FILE, bounded waits, a JSON result  -*- lexical-binding: t -*-
;; Run as `emacs --batch -Q -l prelude.el -l SCENARIO.el`. The scenario calls `kailash-run' with
;; its body; whatever it stores with `kailash-put' is written to $KAILASH_RESULT as JSON, and any
;; error ends the run with the error recorded, so Emacs never waits for input.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(require 'eglot)
(require 'json)

;; A major mode of our own: Emacs 28 has no YAML mode, and eglot needs one to name the server.
;; This is the README's Emacs setup.
(define-derived-mode kailash-workflow-mode prog-mode "Kailash"
  "Kailash workflow files.")
(add-to-list 'auto-mode-alist '("\\.workflow\\.\\(ya?ml\\|json\\)\\'" . kailash-workflow-mode))
(add-to-list 'eglot-server-programs
             `(kailash-workflow-mode . ("node" ,(getenv "KAILASH_SERVER") "--stdio")))
(add-hook 'kailash-workflow-mode-hook #'eglot-ensure)

(setq eglot-sync-connect t
      eglot-autoshutdown t
      eglot-events-buffer-size 0
      inhibit-message t
      make-backup-files nil)

(defvar kailash-result nil "Alist written as the JSON result.")
(defvar kailash-published nil "Every publishDiagnostics for the file, newest first (as eglot decoded it).")

(defun kailash-put (key value) (setq kailash-result (cons (cons key value) kailash-result)))

(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (push (plist-get params :diagnostics) kailash-published))))

(defun kailash-finish ()
  (with-temp-file (getenv "KAILASH_RESULT")
    (insert (json-encode (or kailash-result '((done . t))))))
  (kill-emacs 0))

(defun kailash-run (body)
  (condition-case err
      (funcall body)
    (error (kailash-put 'error (error-message-string err))))
  (kailash-finish))

(defun kailash-idle ()
  "Runs the idle timers, as a pause in typing would: batch Emacs is never idle, and eglot sends
its didChange (and flymake reports) from idle timers."
  (dolist (timer (copy-sequence timer-idle-list))
    (timer-event-handler timer)))

(defun kailash-wait (pred what)
  "Waits up to 10 s for PRED, processing server output; errors with WHAT if it never holds."
  (let ((deadline (+ (float-time) 10)) ok)
    (while (and (not (setq ok (funcall pred))) (< (float-time) deadline))
      (kailash-idle)
      (accept-process-output nil 0.05))
    (unless ok (error "Nothing %s within 10 s" what))
    ok))

(defun kailash-open ()
  "Visits the file and connects eglot; returns the buffer."
  (find-file (getenv "KAILASH_FILE"))
  ;; The mode hook ran eglot-ensure, which connects from `post-command-hook'; batch mode runs no commands.
  (run-hooks 'post-command-hook)
  (kailash-wait (lambda () (eglot-current-server)) "connected")
  (current-buffer))

(defun kailash-code (d) (plist-get (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d))) :code))

(defun kailash-diagnostics (pred what)
  "Flymake's diagnostics of the buffer once PRED accepts them."
  (let (got)
    (kailash-wait (lambda () (setq got (flymake-diagnostics)) (funcall pred got)) what)
    got))

(defun kailash-codes (diags) (vconcat (sort (mapcar #'kailash-code diags) #'string<)))

(defun kailash-find (diags code) (seq-find (lambda (d) (equal (kailash-code d) code)) diags))

(defun kailash-line-at (pos) (save-excursion (goto-char pos) (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defun kailash-apply-action (diag title)
  "Asks for the code actions on DIAG as eglot does, and applies the one called TITLE."
  (let* ((actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag)))
         (chosen (seq-find (lambda (a) (equal (plist-get a :title) title)) actions)))
    (unless chosen (error "No action %S among %S" title (mapcar (lambda (a) (plist-get a :title)) actions)))
    (eglot--apply-workspace-edit (plist-get chosen :edit))))
