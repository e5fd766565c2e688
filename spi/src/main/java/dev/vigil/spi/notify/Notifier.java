package dev.vigil.spi.notify;

/**
 * Sends notifications somewhere. Implementations are found by {@code ServiceLoader} (declare them with
 * {@code provides dev.vigil.spi.notify.Notifier} and in {@code META-INF/services}) and looked up by
 * {@link #type()}; they are stateless and thread-safe, the destination comes with each call in a
 * {@link NotifierConfig}. Errors and logs never include a setting's value (URLs and keys are secrets).
 */
public interface Notifier {

    /** @return the type name users configure, e.g. {@code webhook} */
    String type();

    /**
     * Checks a configuration when a monitor is created, before anything is stored.
     *
     * @param config the configuration
     * @throws dev.vigil.spi.InvalidInputException naming what is wrong (never a secret's value)
     */
    void validate(NotifierConfig config);

    /**
     * Delivers one notification, retrying as the notifier sees fit; after the last try the notification goes to
     * {@link NotifierContext#deadLetters()}.
     *
     * @param notification what to send
     * @param config where to
     * @param context clock, sleeper, dead letters
     * @return true if delivered, false if dead-lettered
     */
    boolean send(Notification notification, NotifierConfig config, NotifierContext context);
}
