package dev.vigil.storage.fs;

import dev.vigil.spi.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a scan stopped: the last (request time, trace id) returned. The next page starts strictly after it
 * (keyset paging), so appends made meanwhile never shift or repeat a page.
 *
 * @param experimentId the experiment scanned
 * @param key the last key returned
 */
record PageToken(String experimentId, ScanKey key) {
    private static final String VERSION = "fs1";

    String encode() {
        String raw = VERSION + '\n' + experimentId + '\n' + key.time().getEpochSecond() + '\n' + key.time().getNano()
                + '\n' + key.traceId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

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
