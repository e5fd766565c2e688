package dev.vigil.core.notify;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.Notifier;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: POSTs the notification as JSON with headers {@value #ID_HEADER} (the stable notification id,
 * to de-duplicate on) and, when setting {@code secret} is set, {@value #SIGNATURE_HEADER}:
 * {@code sha256=<hex HMAC-SHA256 of the body with the secret>}. Settings: {@code url} (required), {@code secret},
 * {@code attempts} (default 5), {@code backoff} (first wait, doubling; default 2s), {@code timeout} (default 10s).
 */
public final class WebhookNotifier implements Notifier {

    /** The header with the notification id. */
    public static final String ID_HEADER = "X-Vigil-Notification-Id";
    /** The header with the body's signature. */
    public static final String SIGNATURE_HEADER = "X-Vigil-Signature";

    private final HttpDelivery http = new HttpDelivery();

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public void validate(NotifierConfig config) {
        HttpDelivery.validate(config);
        String secret = config.settings().get("secret");
        if (secret != null && secret.length() < 16) {
            throw new InvalidInputException("webhook setting 'secret' (the HMAC key) must be at least 16 "
                    + "characters (its value is not shown)");
        }
    }

    @Override
    public boolean send(Notification notification, NotifierConfig config, NotifierContext context) {
        String body = NotificationJson.write(notification);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, notification.id());
        String secret = config.settings().get("secret");
        if (secret != null) {
            headers.put(SIGNATURE_HEADER, "sha256=" + hmacSha256Hex(secret, body));
        }
        return http.post(notification, config, body, headers, context);
    }

    /**
     * @param key the HMAC key
     * @param body the body as sent
     * @return the lower-case hex HMAC-SHA256, as receivers recompute it
     */
    public static String hmacSha256Hex(String key, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookNotifier";
    }
}
