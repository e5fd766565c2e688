/**
 * The built-in {@link dev.vigil.spi.notify.Notifier}s: a generic {@code webhook} (JSON body, HMAC-SHA256 signature,
 * retries with back-off, dead letter after the last try), a Slack incoming webhook ({@code slack}) and {@code log};
 * dead letters kept in the store ({@link dev.vigil.core.notify.DurableDeadLetters}); and the alert outbox
 * ({@link dev.vigil.core.notify.AlertOutbox}) through which budget and monitor alerts are delivered at least once.
 * URLs and keys are secrets: no log line, error or {@code toString()} here contains them.
 */
package dev.vigil.core.notify;
