;;; A CRLF file: diagnostics on the right columns, a fix by typing, written back with CRLF.  -*- lexical-binding: t -*-
(kailash-run
 (lambda ()
   (kailash-open)
   (kailash-put 'dos (eq (coding-system-eol-type buffer-file-coding-system) 1))
   (let* ((opened (kailash-diagnostics (lambda (l) (kailash-find l "unknown-node-type")) "on open"))
          (bad (kailash-find opened "unknown-node-type"))
          (pos (lambda (p) (save-excursion (goto-char p) (list (1- (line-number-at-pos)) (current-column))))))
     (kailash-put 'at (vconcat (funcall pos (flymake-diagnostic-beg bad)) (funcall pos (flymake-diagnostic-end bad))))
     (goto-char (flymake-diagnostic-end bad))
     (insert "e")
     (let ((after (kailash-diagnostics (lambda (l) (not (kailash-find l "unknown-node-type"))) "after the edit")))
       (kailash-put 'after (kailash-codes after)))
     (save-buffer))))
