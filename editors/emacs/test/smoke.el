;;; smoke.el --- afc lsp under Eglot, headless (run by run.sh)  -*- lexical-binding: t -*-
;;
;; Loaded after the Emacs set-up of docs/editors.md (extracted from the docs by run.sh).
;; Opens $AFC_E2E_FILE, lets `eglot-ensure' start `afc lsp', then checks: afc's diagnostic
;; reaches Flymake, completion offers catalog technique ids, no error message from the server
;; (with $AFC_E2E_CASE = "no-settings" Eglot answers `workspace/configuration' with [null], as
;; it does for a user without `eglot-workspace-configuration'), and the server exits 0 after
;; `eglot-shutdown'. Exits Emacs with status 1 and a FAIL line on the first problem.

(require 'eglot)
(require 'flymake)

(defvar afc-smoke-case (or (getenv "AFC_E2E_CASE") "docs"))

(defun afc-smoke-fail (format-string &rest args)
  (message "FAIL (%s): %s" afc-smoke-case (apply #'format format-string args))
  (let ((server (ignore-errors (eglot-current-server))))
    (when server
      (with-current-buffer (jsonrpc-events-buffer server)
        (message "--- last Eglot events:\n%s"
                 (buffer-substring-no-properties (max (point-min) (- (point-max) 4000)) (point-max))))))
  (kill-emacs 1))

(defun afc-smoke-wait (what predicate &optional seconds)
  "Runs the event loop until PREDICATE is true; fails with WHAT after SECONDS (60)."
  (let ((deadline (+ (float-time) (or seconds 60))))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (or (funcall predicate) (afc-smoke-fail "timed out waiting for %s" what))))

(defun afc-smoke-events-contain (server &rest strings)
  (with-current-buffer (jsonrpc-events-buffer server)
    (let ((text (buffer-substring-no-properties (point-min) (point-max))))
      (cl-every (lambda (s) (string-search s text)) strings))))

(when (equal afc-smoke-case "no-settings")
  (setq-default eglot-workspace-configuration nil))

(find-file (getenv "AFC_E2E_FILE"))
(unless (eq major-mode 'attackflow-mode)
  (afc-smoke-fail "%s opened in %s, not attackflow-mode" buffer-file-name major-mode))
;; `eglot-ensure' connects from `post-command-hook', which batch mode never runs by itself.
(run-hooks 'post-command-hook)
(afc-smoke-wait "Eglot to manage the buffer" (lambda () (bound-and-true-p eglot--managed-mode)))
(defvar afc-smoke-server (eglot-current-server))

;; 1. The diagnostic for the typo reaches Flymake.
(afc-smoke-wait "afc's E0105 from the server"
                (lambda () (afc-smoke-events-contain afc-smoke-server "publishDiagnostics" "E0105")))
(afc-smoke-wait "E0105 in Flymake"
                (lambda ()
                  (flymake-start)
                  (cl-some (lambda (d) (string-search "logn" (flymake-diagnostic-text d)))
                           (flymake-diagnostics))))
(message "ok: Flymake shows %s"
         (mapconcat #'flymake-diagnostic-text (flymake-diagnostics) " | "))

;; 2. Completion of a technique id from the catalogs, through Emacs's completion at point.
(goto-char (point-max))
(insert "action next T156")
(eglot--signal-textDocument/didChange)
(let* ((capf (eglot-completion-at-point))
       (table (nth 2 capf))
       (found (and capf (all-completions "T156" table))))
  (unless (member "T1566.001" found)
    (afc-smoke-fail "completion at T156 offered %S" found))
  (message "ok: completion offers %d ids, e.g. %s" (length found) (string-join (seq-take found 3) ", ")))

;; 3. The settings exchange produced no error.
(when (equal afc-smoke-case "no-settings")
  (afc-smoke-wait "the server to ask for its settings"
                  (lambda () (afc-smoke-events-contain afc-smoke-server "workspace/configuration"))))
(let ((deadline (+ (float-time) 2)))
  (while (< (float-time) deadline) (accept-process-output nil 0.1)))
(let ((messages (with-current-buffer "*Messages*" (buffer-string))))
  (when (or (string-search "invalid afc settings" messages)
            (afc-smoke-events-contain afc-smoke-server "window/showMessage"))
    (afc-smoke-fail "the server showed a message:\n%s" messages)))
(message "ok: no message from the server")

;; 4. A clean shutdown: `shutdown', `exit', and the server exits 0. (`eglot-shutdown' of
;; Eglot 1.9 deletes the process right after `exit', so the exit code is read by hand.)
(let ((process (jsonrpc--process afc-smoke-server)))
  (setf (eglot--shutdown-requested afc-smoke-server) t)
  (jsonrpc-request afc-smoke-server :shutdown nil :timeout 10)
  (jsonrpc-notify afc-smoke-server :exit nil)
  (afc-smoke-wait "the server to exit" (lambda () (not (process-live-p process))) 10)
  (unless (eql (process-exit-status process) 0)
    (afc-smoke-fail "afc lsp exited with %s after shutdown" (process-exit-status process)))
  (message "ok: afc lsp exited 0 after shutdown and exit"))

(message "Eglot smoke test (%s): passed" afc-smoke-case)
(kill-emacs 0)
