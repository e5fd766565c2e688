/**
 * The session monitor conformance suite: {@link dev.vigil.testkit.session.SessionMonitorConformanceSuite}, the
 * abstract JUnit 5 class that runs the two-engine session scenarios (one pass per experiment under its lease,
 * takeover after an expired lease, a lease lost or the monitor closed mid-pass, deferred failures) on a store
 * backend, plus the session scorers it drives.
 */
package dev.vigil.testkit.session;
