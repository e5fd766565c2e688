package dev.vigil.spi.store.support;

import dev.vigil.spi.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a scan stopped: the experiment scanned and the last key returned. The next page starts strictly after that
 * key, so traces appended meanwhile never shift or repeat a page (keyset paging). The text form is opaque,
 * URL-safe, and carries a short tag naming the store that made it, so a token from another backend (or another
 * experiment's scan) is refused with a clear {@link InvalidInputException} rather than silently misread.
 *
 * @param experimentId the experiment the scan is over
 * @param key the last key returned
 */
public record PageToken(String experimentId, ScanKey key) {

    /** Checks both parts are present. */
    public PageToken {
        Objects.requireNonNull(experimentId, "experimentId");
        Objects.requireNonNull(key, "key");
    }

    /**
     * @param storeTag a short tag of the issuing store (letters and digits, e.g. {@code m1}, {@code fs1})
     * @return the opaque URL-safe text
     */
    public String encode(String storeTag) {
        String raw = storeTag + '\n' + key.time().getEpochSecond() + '\n' + key.time().getNano() + '\n'
                + experimentId.length() + '\n' + experimentId + key.traceId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param token a token from {@link #encode(String)}
     * @param storeTag the tag this store encodes with
     * @param experimentId the experiment of the query it is used with
     * @return the decoded token
     * @throws InvalidInputException if the token was not made by this store for a scan of this experiment
     */
    public static PageToken decode(String token, String storeTag, String experimentId) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 5);
        } catch (IllegalArgumentException e) {
            throw bad(token, "it is not a token this store issued");
        }
        if (parts.length != 5 || !parts[0].equals(storeTag)) {
            throw bad(token, "it is not a token this store issued");
        }
        String rest = parts[4];
        Instant time;
        int expLength;
        try {
            time = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            expLength = Integer.parseInt(parts[3]);
        } catch (RuntimeException e) {
            throw bad(token, "it is not a token this store issued");
        }
        if (expLength < 0 || expLength > rest.length()) {
            throw bad(token, "it is not a token this store issued");
        }
        String scanned = rest.substring(0, expLength);
        if (!scanned.equals(experimentId)) {
            throw bad(token, "it continues a scan of experiment '" + scanned + "', not '" + experimentId + "'");
        }
        return new PageToken(scanned, new ScanKey(time, rest.substring(expLength)));
    }

    private static InvalidInputException bad(String token, String why) {
        String shown = token.length() > 40 ? token.substring(0, 40) + "..." : token;
        return new InvalidInputException("bad page token '" + shown + "': " + why
                + "; pass null for the first page, then each page's nextPageToken");
    }
}
