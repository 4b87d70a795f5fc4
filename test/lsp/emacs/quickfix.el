;;; A quick fix after non-ASCII text on the line, asked for as eglot-code-actions asks.  -*- lexical-binding: t -*-
(kailash-run
 (lambda ()
   (kailash-open)
   (let* ((opened (kailash-diagnostics (lambda (l) (kailash-find l "unknown-node-type")) "on open"))
          (bad (kailash-find opened "unknown-node-type")))
     (kailash-apply-action bad "Change to 'HTTPRequestNode'")
     (kailash-put 'fixed (kailash-line-at (flymake-diagnostic-beg bad)))
     (let ((after (kailash-diagnostics (lambda (l) (not (kailash-find l "unknown-node-type"))) "after the fix")))
       (kailash-put 'after (kailash-codes after))))))
