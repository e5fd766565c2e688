/**
 * Notifications of monitor (and budget) state changes: the {@link dev.vigil.spi.notify.Notifier} plug-in interface,
 * found by {@code ServiceLoader} under its {@link dev.vigil.spi.notify.Notifier#type() type}, the
 * {@link dev.vigil.spi.notify.Notification} it sends and the {@link dev.vigil.spi.notify.NotifierConfig} that says
 * where to (whose settings are secret and never printed).
 */
package dev.vigil.spi.notify;
