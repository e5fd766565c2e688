/**
 * Session-level scoring in production: {@link dev.vigil.core.session.SessionScoring} finds sessions that have
 * been idle for a while, scores each sampled one with the session scorers, and keeps one assessment per session
 * version (the latest valid, the earlier ones marked superseded) so a session that resumes is scored again without
 * duplicates.
 */
package dev.vigil.core.session;
