;;; Renaming a node id (point on a connection's use of it) with eglot-rename.  -*- lexical-binding: t -*-
(kailash-run
 (lambda ()
   (kailash-open)
   (kailash-wait (lambda () kailash-published) "published on open")
   (kailash-put 'opened (length (car kailash-published)))
   (goto-char (point-min))
   (search-forward "from_node: fet")
   (let ((seen (length kailash-published)))
     (eglot-rename "fetch_api")
     (kailash-put 'text (buffer-substring-no-properties (point-min) (point-max)))
     ;; The server checks the renamed text: nothing is left pointing at the old id.
     (kailash-wait (lambda () (> (length kailash-published) seen)) "published after the rename")
     (kailash-put 'after (length (car kailash-published))))))
