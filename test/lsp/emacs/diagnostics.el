;;; Diagnostics on open (one next to an emoji escape, which strict clients used to drop), then after edits.  -*- lexical-binding: t -*-
(kailash-run
 (lambda ()
   (kailash-open)
   (let* ((opened (kailash-diagnostics (lambda (l) (kailash-find l "unknown-node-type")) "on open"))
          (escape (kailash-find opened "yaml-syntax")))
     (kailash-put 'opened (kailash-codes opened))
     (kailash-put 'escape_message (and escape (flymake-diagnostic-text escape)))
     ;; Fix the type by typing its last letter, and remove the bad escape, as typing would.
     (goto-char (flymake-diagnostic-end (kailash-find opened "unknown-node-type")))
     (insert "e")
     (goto-char (point-min))
     (search-forward "\\")
     (delete-char -1)
     (let ((edited (kailash-diagnostics (lambda (l) (not (or (kailash-find l "unknown-node-type") (kailash-find l "yaml-syntax"))))
                                        "after the edits")))
       (kailash-put 'edited (kailash-codes edited))))))
