;;; Completion after a dot in from_output, and after a partial segment, accepted as completion-in-region does.  -*- lexical-binding: t -*-
(defun kailash-accept (label)
  "Completes at point as `completion-in-region' would, choosing LABEL; returns the line."
  (pcase-let* ((`(,beg ,end ,table . ,plist) (eglot-completion-at-point))
               (probe (buffer-substring-no-properties beg end))
               (candidates (all-completions probe table))
               (chosen (seq-find (lambda (c) (equal (substring-no-properties c) label)) candidates)))
    (unless chosen (error "No completion %S for %S among %S" label probe candidates))
    (delete-region beg end)
    (goto-char beg)
    (insert chosen)
    (funcall (plist-get plist :exit-function) chosen 'finished)
    (kailash-line-at (point))))

(kailash-run
 (lambda ()
   (kailash-open)
   (goto-char (point-min))
   (search-forward "from_output: response.")
   (kailash-put 'after_dot (kailash-accept "content"))
   ;; Then `response.con': the segment typed so far is what the item must match.
   (goto-char (point-min))
   (search-forward "response.content")
   (delete-char -4)
   (kailash-put 'after_partial (kailash-accept "content"))))
