package dev.vigil.core.notify;

import dev.vigil.spi.InvalidInputException;
import dev.vigil.spi.notify.Notification;
import dev.vigil.spi.notify.NotifierConfig;
import dev.vigil.spi.notify.NotifierContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs a JSON body with retries: a 2xx answer is delivered; a 408, 425, 429, 5xx answer, a timeout or a
 * connection failure is retried after an exponential back-off (on the context's sleeper) up to {@code attempts}
 * tries; any other answer, or the last failure, makes a dead letter. The URL never appears in a log line or error.
 */
final class HttpDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    /** Default tries. */
    static final int DEFAULT_ATTEMPTS = 5;
    /** Default first back-off (doubling, capped at {@link #MAX_BACKOFF}). */
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Validates the settings common to HTTP notifiers: {@code url}, {@code attempts}, {@code backoff}, {@code timeout}. */
    static void validate(NotifierConfig config) {
        URI uri = url(config);
        if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
                || uri.getHost() == null) {
            throw new InvalidInputException("notifier '" + config.type() + "' needs an http(s) URL with a host in "
                    + "setting 'url' (the value is not shown: it is a secret)");
        }
        attempts(config);
        duration(config, "backoff", DEFAULT_BACKOFF);
        duration(config, "timeout", DEFAULT_TIMEOUT);
    }

    private static URI url(NotifierConfig config) {
        try {
            return URI.create(config.require("url"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("notifier '" + config.type() + "' has a malformed URL in setting 'url' "
                    + "(the value is not shown: it is a secret)");
        }
    }

    static int attempts(NotifierConfig config) {
        String v = config.settings().get("attempts");
        if (v == null) {
            return DEFAULT_ATTEMPTS;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 20) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidInputException("notifier '" + config.type() + "' setting 'attempts' must be 1 to 20, got '"
                + v + "'");
    }

    static Duration duration(NotifierConfig config, String key, Duration dflt) {
        String v = config.settings().get(key);
        if (v == null) {
            return dflt;
        }
        Duration d = dev.vigil.core.monitor.MonitorJson.duration(v, "notifier setting '" + key + "'");
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_BACKOFF) > 0) {
            throw new InvalidInputException("notifier setting '" + key + "' must be positive and at most 5m, got '"
                    + v + "'");
        }
        return d;
    }

    /**
     * @param n the notification (for the id and the dead letter)
     * @param config destination and retry settings
     * @param body the JSON body
     * @param headers extra headers
     * @param ctx sleeper and dead letters
     * @return true if delivered
     */
    boolean post(Notification n, NotifierConfig config, String body, Map<String, String> headers,
            NotifierContext ctx) {
        URI uri = url(config);
        int attempts = attempts(config);
        Duration backoff = duration(config, "backoff", DEFAULT_BACKOFF);
        Duration timeout = duration(config, "timeout", DEFAULT_TIMEOUT);
        String last = "not tried";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            headers.forEach(req::header);
            boolean retry;
            try {
                HttpResponse<Void> resp = client.send(req.build(), HttpResponse.BodyHandlers.discarding());
                int s = resp.statusCode();
                if (s >= 200 && s < 300) {
                    LOG.info("notification {} delivered by {} on try {}", n.id(), config.type(), attempt);
                    return true;
                }
                last = "HTTP " + s;
                retry = s == 408 || s == 425 || s == 429 || s >= 500;
            } catch (IOException e) {
                last = e.getClass().getSimpleName(); // the message may name the host: never printed
                retry = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                last = "interrupted";
                retry = false;
            }
            LOG.warn("notification {} by {}: try {} of {} failed ({})", n.id(), config.type(), attempt, attempts,
                    last);
            if (!retry) {
                attempts = attempt;
                break;
            }
            if (attempt < attempts) {
                try {
                    ctx.sleeper().sleep(backoffFor(backoff, attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    attempts = attempt;
                    last = "interrupted";
                    break;
                }
            }
        }
        ctx.deadLetters().accept(new NotifierContext.DeadLetter(n, config.type(), attempts, last));
        LOG.error("notification {} by {} given up after {} tries ({}); kept as a dead letter", n.id(),
                config.type(), attempts, last);
        return false;
    }

    /** @return the back-off before try {@code attempt + 1}: first × 2^(attempt-1), at most 5 minutes */
    static Duration backoffFor(Duration first, int attempt) {
        Duration d = first.multipliedBy(1L << Math.min(20, attempt - 1));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }
}
