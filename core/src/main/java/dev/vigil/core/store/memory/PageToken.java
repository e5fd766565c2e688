package dev.vigil.core.store.memory;

import dev.vigil.spi.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a scan stopped: the (request time, trace id) of the last trace returned, and the experiment scanned.
 * The next page starts strictly after that key, so traces appended meanwhile never shift a page (keyset paging).
 *
 * @param experimentId the experiment the scan is over
 * @param key the last key returned
 */
record PageToken(String experimentId, ScanKey key) {
    private static final String VERSION = "m1";

    /** @return the opaque URL-safe text */
    String encode() {
        String raw = VERSION + '\n' + experimentId + '\n' + key.time().getEpochSecond() + '\n' + key.time().getNano()
                + '\n' + key.traceId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param token a token from {@link #encode()}
     * @param experimentId the experiment of the query it is used with
     * @return the decoded token
     * @throws InvalidInputException if the token was not made by this store for this experiment
     */
    static PageToken decode(String token, String experimentId) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 5);
        } catch (IllegalArgumentException e) {
            throw bad(token, "it is not a token this store issued");
        }
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            throw bad(token, "it is not a token this store issued");
        }
        if (!parts[1].equals(experimentId)) {
            throw bad(token, "it continues a scan of experiment '" + parts[1] + "', not '" + experimentId + "'");
        }
        try {
            Instant time = Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3]));
            return new PageToken(parts[1], new ScanKey(time, parts[4]));
        } catch (RuntimeException e) {
            throw bad(token, "it is not a token this store issued");
        }
    }

    private static InvalidInputException bad(String token, String why) {
        String shown = token.length() > 40 ? token.substring(0, 40) + "..." : token;
        return new InvalidInputException("bad page token '" + shown + "': " + why
                + "; pass null for the first page, then each page's nextPageToken");
    }
}
